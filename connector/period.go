package connector

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// ErrInvalidPeriod is wrapped by every [PeriodError].
var ErrInvalidPeriod = errors.New("invalid period")

// PeriodError reports a CONNECTOR_DURATION_PERIOD value that [ParsePeriod]
// rejects, with what to write instead.
type PeriodError struct {
	// Value is the text as given.
	Value string
	// Reason is the problem and the value to write instead.
	Reason string
}

// Error returns "invalid period "<value>": <reason>".
func (e *PeriodError) Error() string {
	return fmt.Sprintf("invalid period %q: %s", e.Value, e.Reason)
}

// Unwrap returns [ErrInvalidPeriod].
func (e *PeriodError) Unwrap() error { return ErrInvalidPeriod }

// Unit lengths of the ISO 8601 form, as pydantic (and so pycti) counts
// them: a year is 365 days and a month 30 days.
const (
	day   = 24 * time.Hour
	week  = 7 * day
	month = 30 * day
	year  = 365 * day
	// maxDays is the largest whole number of days a time.Duration holds.
	maxDays = int64(math.MaxInt64 / int64(day))
)

// ParsePeriod reads a scheduler period in the forms pycti accepts for
// CONNECTOR_DURATION_PERIOD (pydantic's duration syntax):
//
//   - ISO 8601: "PT1H", "P1D", "P1W2D", "P1DT12H", "PT1.5H". Y is 365 days,
//     M before T is 30 days (P1M is a month, PT1M a minute), W 7 days. The
//     letters are upper case and only the last number may have a fraction.
//   - clock: "01:30:00" or "01:30", with an optional fraction of a second;
//   - days and clock: "2 days, 03:00:00", "2d03:00:00", "1 day".
//
// "0" means a single run. A bare number such as "3600" is read as seconds;
// pycti rejects it, so [BareNumberPeriod] lets a caller warn about it.
// Fractions of a second are dropped, as pycti does.
//
// ParsePeriod rejects the values pycti misreads, with a [*PeriodError]
// that gives the value to write instead. A negative period makes pycti
// run again at once, in a loop. A period under one second, other than 0,
// is truncated to 0 by pycti, which then silently runs once. It also rejects lower-case letters,
// which pycti refuses at start-up, and periods too long for a
// time.Duration (about 292 years).
func ParsePeriod(s string) (time.Duration, error) {
	text := strings.TrimSpace(s)
	if text == "" {
		return 0, &PeriodError{Value: s, Reason: "empty: write an ISO 8601 duration such " +
			"as PT1H, or 0 for a single run"}
	}
	if text == "0" {
		return 0, nil
	}
	body := text
	negative := false
	switch body[0] {
	case '-':
		negative, body = true, body[1:]
	case '+':
		body = body[1:]
	}
	d, err := parseUnsignedPeriod(body)
	if err != nil {
		return 0, &PeriodError{Value: s, Reason: err.Error()}
	}
	if negative && d != 0 {
		return 0, &PeriodError{Value: s, Reason: "negative period: pycti would run again " +
			"at once, in a loop; drop the minus sign"}
	}
	d = d.Truncate(time.Second)
	if d == 0 && !zeroText(body) {
		return 0, &PeriodError{Value: s, Reason: "shorter than one second: pycti truncates " +
			"it to 0 and runs once; write PT1S or more, or 0 for a single run"}
	}
	return d, nil
}

// BareNumberPeriod reports whether s is a plain number of seconds, such as
// "3600": ParsePeriod accepts it, but pycti refuses it at start-up.
func BareNumberPeriod(s string) bool {
	text := strings.TrimSpace(s)
	if text == "" || text == "0" {
		return false
	}
	_, err := strconv.ParseFloat(text, 64)
	return err == nil && !strings.ContainsAny(text, "eEnN")
}

// zeroText reports whether a period body spells zero ("PT0S", "00:00").
func zeroText(body string) bool {
	return !strings.ContainsAny(body, "123456789")
}

func parseUnsignedPeriod(body string) (time.Duration, error) {
	switch {
	case body == "":
		return 0, errors.New("no value after the sign: write an ISO 8601 duration such as PT1H")
	case body[0] == 'P' || body[0] == 'p':
		return parseISOPeriod(body)
	case BareNumberPeriod(body):
		return parseSeconds(body)
	default:
		return parseClockPeriod(body)
	}
}

// parseSeconds reads a bare number of seconds.
func parseSeconds(text string) (time.Duration, error) {
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, fmt.Errorf("not a number of seconds: write PT<seconds>S")
	}
	if f >= float64(math.MaxInt64)/float64(time.Second) {
		return 0, tooLong()
	}
	return time.Duration(f * float64(time.Second)), nil
}

func tooLong() error {
	return fmt.Errorf("too long: the largest period is %d days", maxDays)
}

// isoUnit is one designator of the ISO form.
type isoUnit struct {
	letter byte
	length time.Duration
}

var (
	dateUnits = []isoUnit{{'Y', year}, {'M', month}, {'W', week}, {'D', day}}
	timeUnits = []isoUnit{{'H', time.Hour}, {'M', time.Minute}, {'S', time.Second}}
)

// parseISOPeriod reads "P[nY][nM][nW][nD][T[nH][nM][nS]]".
func parseISOPeriod(text string) (time.Duration, error) {
	if strings.ToUpper(text) != text {
		return 0, fmt.Errorf("lower-case letters: pycti accepts only upper case, "+
			"as in %s", strings.ToUpper(text))
	}
	datePart, timePart, hasT := strings.Cut(text[1:], "T")
	if datePart == "" && timePart == "" {
		return 0, errors.New("no duration after P: write for example P1D or PT1H")
	}
	if hasT && timePart == "" {
		return 0, errors.New("no time after T: write for example PT1H, or drop the T")
	}
	total, fraction, err := sumISO(datePart, dateUnits, false)
	if err != nil {
		return 0, err
	}
	if hasT {
		more, _, err := sumISO(timePart, timeUnits, fraction)
		if err != nil {
			return 0, err
		}
		if total > math.MaxInt64-more {
			return 0, tooLong()
		}
		total += more
	}
	return total, nil
}

// sumISO adds the numbers of one part of the ISO form. seenFraction is
// true when an earlier number had a fraction, which must then be the last.
func sumISO(part string, units []isoUnit, seenFraction bool) (time.Duration, bool, error) {
	var total time.Duration
	next := 0
	for part != "" {
		end := strings.IndexFunc(part, func(r rune) bool { return r < '0' && r != '.' || r > '9' })
		if end <= 0 {
			return 0, false, fmt.Errorf("expected a number at %q: write for example P1DT2H", part)
		}
		number, letter := part[:end], part[end]
		part = part[end+1:]
		i := unitIndex(units, letter, next)
		if i < 0 {
			return 0, false, fmt.Errorf("unexpected %q after %s: units go in the order %s",
				letter, number, unitOrder(units))
		}
		next = i + 1
		if seenFraction {
			return 0, false, errors.New("only the last number may have a fraction: " +
				"write PT90M instead of PT1.5H30M")
		}
		f, err := strconv.ParseFloat(number, 64)
		if err != nil {
			return 0, false, fmt.Errorf("invalid number %q", number)
		}
		seenFraction = strings.Contains(number, ".")
		add := f * float64(units[i].length)
		if add >= float64(math.MaxInt64-total) {
			return 0, false, tooLong()
		}
		total += time.Duration(add)
	}
	return total, seenFraction, nil
}

func unitIndex(units []isoUnit, letter byte, from int) int {
	for i := from; i < len(units); i++ {
		if units[i].letter == letter {
			return i
		}
	}
	return -1
}

func unitOrder(units []isoUnit) string {
	var b strings.Builder
	for _, u := range units {
		b.WriteByte(u.letter)
	}
	return b.String()
}

// parseClockPeriod reads "HH:MM[:SS[.fff]]", optionally after a number of
// days ("2 days, 03:00:00", "2d03:00:00", "2 day").
func parseClockPeriod(text string) (time.Duration, error) {
	days, clock, err := splitDays(text)
	if err != nil {
		return 0, err
	}
	if days > maxDays {
		return 0, tooLong()
	}
	total := time.Duration(days) * day
	if clock == "" {
		return total, nil
	}
	if clock == text && !strings.Contains(clock, ":") {
		// Neither days nor a clock time: "garbage", "1h".
		return 0, unrecognisedPeriod()
	}
	c, err := parseClock(clock)
	if err != nil {
		return 0, err
	}
	if total > math.MaxInt64-c {
		return 0, tooLong()
	}
	return total + c, nil
}

func unrecognisedPeriod() error {
	return errors.New("unrecognised duration: write an ISO 8601 duration such as PT1H, " +
		"a clock time such as 01:00:00, or days such as \"2 days, 03:00:00\"")
}

// splitDays separates a leading "<n> day(s)," or "<n>d" from the clock.
func splitDays(text string) (int64, string, error) {
	end := strings.IndexFunc(text, func(r rune) bool { return r < '0' || r > '9' })
	if end <= 0 || text[end] == ':' {
		return 0, text, nil
	}
	rest := strings.TrimLeft(text[end:], " ")
	lower := strings.ToLower(rest)
	var word string
	for _, w := range []string{"days", "day", "d"} {
		if strings.HasPrefix(lower, w) {
			word = w
			break
		}
	}
	if word == "" {
		return 0, "", unrecognisedPeriod()
	}
	days, err := strconv.ParseInt(text[:end], 10, 64)
	if err != nil {
		return 0, "", tooLong()
	}
	rest = strings.TrimLeft(strings.TrimPrefix(rest[len(word):], ","), " ")
	return days, rest, nil
}

// parseClock reads "HH:MM" or "HH:MM:SS[.fff]".
func parseClock(clock string) (time.Duration, error) {
	parts := strings.Split(clock, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, fmt.Errorf("invalid clock time %q: write HH:MM or HH:MM:SS", clock)
	}
	hours, err1 := strconv.ParseUint(parts[0], 10, 32)
	minutes, err2 := strconv.ParseUint(parts[1], 10, 8)
	if err1 != nil || err2 != nil || len(parts[1]) != 2 || minutes > 59 {
		return 0, fmt.Errorf("invalid clock time %q: write HH:MM or HH:MM:SS", clock)
	}
	total := time.Duration(hours)*time.Hour + time.Duration(minutes)*time.Minute
	if len(parts) == 3 {
		secText, _, _ := strings.Cut(parts[2], ".")
		sec, err := strconv.ParseFloat(parts[2], 64)
		if err != nil || len(secText) != 2 || sec >= 60 || strings.ContainsAny(parts[2], "eE+-") {
			return 0, fmt.Errorf("invalid seconds in %q: write HH:MM:SS with 00 to 59 seconds",
				clock)
		}
		total += time.Duration(sec * float64(time.Second))
	}
	return total, nil
}
