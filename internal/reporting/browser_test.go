package reporting

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/redact"
)

// chromiumFlags keep a headless Chromium off the network (the report must
// need none, and this machine has none) and out of any real profile.
func chromiumFlags(profileDir string) []string {
	return []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--hide-scrollbars", "--user-data-dir=" + profileDir}
}

// TestHTMLInChromium opens report.html in Debian's headless Chromium: the
// page must render to a screenshot, and the DOM Chromium builds from it must
// hold the matrix and the failures (a template or markup error shows up
// here, not only in a person's browser). Set KAIROS_SCREENSHOT_DIR to keep
// the PNG. Skipped where chromium is not installed (apt-get install chromium).
func TestHTMLInChromium(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed (apt-get install -y chromium)")
	}
	dir := t.TempDir()
	run := buildSample(t, Options{Redactor: redact.New(canarySecurityID).With(canaryAESKey)})
	if _, err := WriteReports(dir, run); err != nil {
		t.Fatal(err)
	}
	page := "file://" + filepath.Join(dir, HTMLFile)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var dom bytes.Buffer
	cmd := exec.CommandContext(ctx, chromium, append(chromiumFlags(t.TempDir()), "--dump-dom", page)...)
	cmd.Stdout = &dom
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium --dump-dom: %v", err)
	}
	for _, want := range []string{"INVALID_SECURITY_ID", "a wrong security id is refused", "Expected", `class="cell failed"`} {
		if !strings.Contains(dom.String(), want) {
			t.Errorf("the DOM Chromium built lacks %q", want)
		}
	}

	png := filepath.Join(dir, "report.png")
	cmd = exec.CommandContext(ctx, chromium, append(chromiumFlags(t.TempDir()), "--window-size=1280,2400", "--screenshot="+png, page)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium --screenshot: %v\n%s", err, out)
	}
	data, err := os.ReadFile(png)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")) || len(data) < 20_000 {
		t.Fatalf("screenshot is not a rendered page (%d bytes)", len(data))
	}
	if keep := os.Getenv("KAIROS_SCREENSHOT_DIR"); keep != "" {
		if err := os.WriteFile(filepath.Join(keep, "sample-report.png"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
