package stream

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ID is a stream event id, "<milliseconds since epoch>-<sequence>", like a
// Redis stream id. Ids compare numerically, part by part, never as text.
// The zero ID is "0-0", the start of the log.
type ID struct {
	MS  uint64
	Seq uint64
}

// ParseID reads "<ms>-<seq>". A plain number of milliseconds is read as
// "<ms>-0".
func ParseID(s string) (ID, error) {
	msText, seqText, hasSeq := strings.Cut(strings.TrimSpace(s), "-")
	ms, err := strconv.ParseUint(msText, 10, 64)
	if err != nil {
		return ID{}, fmt.Errorf("invalid stream event id %q: want <milliseconds>-<sequence>", s)
	}
	var seq uint64
	if hasSeq {
		if seq, err = strconv.ParseUint(seqText, 10, 64); err != nil {
			return ID{}, fmt.Errorf("invalid stream event id %q: want <milliseconds>-<sequence>", s)
		}
	}
	return ID{MS: ms, Seq: seq}, nil
}

// String returns "<ms>-<seq>".
func (id ID) String() string {
	return strconv.FormatUint(id.MS, 10) + "-" + strconv.FormatUint(id.Seq, 10)
}

// Compare returns -1, 0 or +1 as id is before, equal to or after other.
func (id ID) Compare(other ID) int {
	switch {
	case id.MS < other.MS || (id.MS == other.MS && id.Seq < other.Seq):
		return -1
	case id == other:
		return 0
	}
	return 1
}

// Time returns the date encoded in the id, in UTC.
func (id ID) Time() time.Time { return time.UnixMilli(int64(id.MS)).UTC() }
