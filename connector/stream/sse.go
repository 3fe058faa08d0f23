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
				return frame{}, errors.New("stream event data longer than 64 MiB")
			}
			if hasData {
				data.WriteByte('\n')
			}
			data.Write(value)
			hasData = true
		}
	}
}

// readLine returns a line without its end (LF, CR LF or CR).
func (fr *frameReader) readLine() ([]byte, error) {
	var line []byte
	for {
		chunk, err := fr.r.ReadSlice('\n')
		line = append(line, chunk...)
		if err == nil {
			break
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			if len(line) > 0 && errors.Is(err, io.EOF) {
				return nil, io.ErrUnexpectedEOF
			}
			return nil, err
		}
		if len(line) > maxLine {
			return nil, errors.New("stream line longer than 64 MiB")
		}
	}
	line = bytes.TrimSuffix(line, []byte("\n"))
	return bytes.TrimSuffix(line, []byte("\r")), nil
}
