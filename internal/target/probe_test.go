package target

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestProbe(t *testing.T) {
	answering := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest) // any answer is reachable
	}))
	defer answering.Close()
	tg := &Target{URL: answering.URL, HTTPClient: answering.Client()}
	if note, err := tg.Probe(context.Background(), 10*time.Second); note != "" || err != nil {
		t.Errorf("an answering server: note %q, error %v", note, err)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	tg = &Target{URL: closed, HTTPClient: &http.Client{}}
	if _, err := tg.Probe(context.Background(), 10*time.Second); !errors.Is(err, ErrUnreachable) {
		t.Errorf("a closed port: %v, want ErrUnreachable", err)
	}
}
