package httpserve

import (
	"errors"
	"io"
	"net"
	"net/http"
	"testing"
)

func TestStartServeStop(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := Start(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }), nil)
	resp, err := http.Get("http://" + ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "ok" {
		t.Errorf("body %q", body)
	}
	if srv.Err() != nil {
		t.Errorf("Err before Stop: %v", srv.Err())
	}
	http.DefaultClient.CloseIdleConnections()
	if err := srv.Stop(); err != nil {
		t.Errorf("Stop: %v", err)
	}
	<-srv.Done()
	if !errors.Is(srv.Err(), http.ErrServerClosed) {
		t.Errorf("Err after Stop: %v", srv.Err())
	}
}

func TestServeEndsOnItsOwn(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	srv := Start(ln, http.NotFoundHandler(), nil)
	<-srv.Done()
	if srv.Err() == nil || errors.Is(srv.Err(), http.ErrServerClosed) {
		t.Errorf("Err = %v, want the listener's error", srv.Err())
	}
}
