package stream

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// maxLine bounds one SSE line, and the data of one frame. Objects of the
// platform fit well below it.
const maxLine = 64 << 20

// ErrEventTooLarge is wrapped by the error of [Client.Run] when an event
// or one of its lines is longer than 64 MiB. The client stops there,
// because a new connection would stop at the same event again.
var ErrEventTooLarge = errors.New("stream event longer than 64 MiB")

// frame is one dispatched SSE message.
type frame struct {
	id, name string
	data     []byte
}

// frameReader parses server-sent events: `id`, `event` and `data` fields
// (several data lines joined with newlines), comments and unknown fields
// ignored, a frame dispatched at each blank line. onLine is called after
// every line read, for the idle timer.
type frameReader struct {
	r      *bufio.Reader
	onLine func()
	skipLF bool
}

func newFrameReader(r io.Reader, onLine func()) *frameReader {
	return &frameReader{r: bufio.NewReaderSize(r, 64<<10), onLine: onLine}
}

// next returns the next complete frame. A frame cut by the end of the
// stream is dropped and io.ErrUnexpectedEOF returned.
func (fr *frameReader) next() (frame, error) {
	var f frame
	var data bytes.Buffer
	hasData, started := false, false
	for {
		line, err := fr.readLine()
		if err != nil {
			if errors.Is(err, io.EOF) && started {
				return frame{}, io.ErrUnexpectedEOF
			}
			return frame{}, err
		}
		if fr.onLine != nil {
			fr.onLine()
		}
		if len(line) == 0 {
			if !hasData && f.name == "" {
				started = false
				continue
			}
			f.data = data.Bytes()
			if f.name == "" {
				f.name = "message"
			}
			return f, nil
		}
		started = true
		if line[0] == ':' {
			continue
		}
		field, value, _ := bytes.Cut(line, []byte(":"))
		value = bytes.TrimPrefix(value, []byte(" "))
		switch string(field) {
		case "id":
			f.id = string(value)
		case "event":
			f.name = string(value)
		case "data":
			if data.Len()+len(value) >= maxLine {
				return frame{}, ErrEventTooLarge
			}
			if hasData {
				data.WriteByte('\n')
			}
			data.Write(value)
			hasData = true
		}
	}
}

// readLine returns a line without its end (LF, CR LF or CR). A CR that
// ends the buffered data leaves skipLF set, so that an LF arriving next
// counts as part of that line end, without waiting for it.
func (fr *frameReader) readLine() ([]byte, error) {
	var line []byte
	for {
		if _, err := fr.r.Peek(1); err != nil {
			if len(line) > 0 && errors.Is(err, io.EOF) {
				return nil, io.ErrUnexpectedEOF
			}
			return nil, err
		}
		buf, _ := fr.r.Peek(fr.r.Buffered())
		if fr.skipLF {
			fr.skipLF = false
			if buf[0] == '\n' {
				_, _ = fr.r.Discard(1)
				continue
			}
		}
		i := bytes.IndexAny(buf, "\r\n")
		if i < 0 {
			line = append(line, buf...)
			_, _ = fr.r.Discard(len(buf))
			if len(line) > maxLine {
				return nil, ErrEventTooLarge
			}
			continue
		}
		line = append(line, buf[:i]...)
		fr.skipLF = buf[i] == '\r'
		_, _ = fr.r.Discard(i + 1)
		return line, nil
	}
}
