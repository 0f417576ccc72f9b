package suite

import "io"

// stripANSI drops ANSI CSI escape sequences (ESC [ ... final letter) from
// what it writes, keeping a sequence split across writes whole.
type stripANSI struct {
	w     io.Writer
	state int // 0 text, 1 after ESC, 2 inside ESC [
	buf   []byte
}

func (s *stripANSI) Write(p []byte) (int, error) {
	s.buf = s.buf[:0]
	for _, c := range p {
		switch s.state {
		case 0:
			if c == 0x1b {
				s.state = 1
				continue
			}
			s.buf = append(s.buf, c)
		case 1:
			if c == '[' {
				s.state = 2
				continue
			}
			s.state = 0
			s.buf = append(s.buf, 0x1b, c)
		case 2:
			if c >= 0x40 && c <= 0x7e {
				s.state = 0
			}
		}
	}
	if len(s.buf) > 0 {
		if _, err := s.w.Write(s.buf); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}
