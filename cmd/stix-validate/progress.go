package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"golang.org/x/term"
)

// progressInterval is the time between two updates of the progress line.
const progressInterval = 200 * time.Millisecond

// progress shows, on a terminal's standard error only, which file is being
// read and how much of it. It is disabled when standard error is a file or
// a pipe, so that logs and tests get no control characters.
type progress struct {
	w       io.Writer
	enabled bool
	shown   bool
}

func newProgress(stderr io.Writer) *progress {
	f, ok := stderr.(*os.File)
	return &progress{w: stderr, enabled: ok && term.IsTerminal(int(f.Fd()))}
}

// track returns r, counting what is read from it to show the progress of
// file n of total. size is -1 when unknown.
func (p *progress) track(r io.Reader, name string, n, total int, size int64) io.Reader {
	if !p.enabled {
		return r
	}
	return &progressReader{r: r, p: p, name: displayName(name), n: n, total: total, size: size}
}

// clear erases the progress line, if one is shown.
func (p *progress) clear() {
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K")
		p.shown = false
	}
}

type progressReader struct {
	r        io.Reader
	p        *progress
	name     string
	n, total int
	size     int64
	read     int64
	last     time.Time
}

func (pr *progressReader) Read(b []byte) (int, error) {
	n, err := pr.r.Read(b)
	pr.read += int64(n)
	if now := time.Now(); now.Sub(pr.last) >= progressInterval {
		pr.last = now
		pr.show()
	}
	return n, err
}

func (pr *progressReader) show() {
	line := fmt.Sprintf("[%d/%d] %s: %s", pr.n, pr.total, pr.name, megabytes(pr.read))
	if pr.size > 0 {
		line += fmt.Sprintf(" of %s (%d%%)", megabytes(pr.size), pr.read*100/pr.size)
	}
	fmt.Fprint(pr.p.w, "\r\033[K"+line)
	pr.p.shown = true
}

func megabytes(n int64) string {
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}
