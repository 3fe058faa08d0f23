package connector_test

import (
	"fmt"

	"github.com/opencti-go/sdk/connector"
)

func ExampleParsePeriod() {
	for _, text := range []string{"PT1H", "P1M", "PT1M", "2 days, 03:00:00", "-PT1H"} {
		d, err := connector.ParsePeriod(text)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(text, "=", d)
	}
	// Output:
	// PT1H = 1h0m0s
	// P1M = 720h0m0s
	// PT1M = 1m0s
	// 2 days, 03:00:00 = 51h0m0s
	// invalid period "-PT1H": negative period: pycti would run again at once, in a loop; drop the minus sign
}
