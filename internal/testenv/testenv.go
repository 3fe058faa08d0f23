// Package testenv locates the inputs and services that the SDK's tests share:
// the read-only fact folder next to the repository (../shared) and the local
// RabbitMQ broker.
//
// A test that needs one of them calls the matching function. When the input or
// service is missing, the test is skipped with a message that names what to
// provide, unless the environment requires it (OPENCTI_SDK_REQUIRE_SHARED=1 or
// OPENCTI_SDK_REQUIRE_RABBITMQ=1, both set by .ci/run), in which case the test
// fails.
package testenv

import (
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// DefaultAMQPURL is the broker address used when OPENCTI_SDK_AMQP_URL is unset.
const DefaultAMQPURL = "amqp://guest:guest@127.0.0.1:5672/"

// RepoRoot returns the absolute path of the module root, found by walking up
// from the working directory to the folder that holds go.mod.
func RepoRoot(tb testing.TB) string {
	tb.Helper()
	root, err := findRepoRoot()
	if err != nil {
		tb.Fatalf("locate module root: %v", err)
	}
	return root
}

var (
	rootOnce sync.Once
	rootDir  string
	rootErr  error
)

func findRepoRoot() (string, error) {
	rootOnce.Do(func() {
		dir, err := os.Getwd()
		if err != nil {
			rootErr = err
			return
		}
		for {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				rootDir = dir
				return
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				rootErr = os.ErrNotExist
				return
			}
			dir = parent
		}
	})
	return rootDir, rootErr
}

// SharedDir returns the absolute path of ../shared (relative to the module
// root), or of the file or folder below it named by the optional path elements.
// It skips the test when that path does not exist, or fails it when
// OPENCTI_SDK_REQUIRE_SHARED=1.
func SharedDir(tb testing.TB, elem ...string) string {
	tb.Helper()
	root := RepoRoot(tb)
	path := filepath.Join(append([]string{root, "..", "shared"}, elem...)...)
	if _, err := os.Stat(path); err != nil {
		msg := "shared test data not found at " + path +
			": check out the fact folder next to the repository as ../shared"
		if os.Getenv("OPENCTI_SDK_REQUIRE_SHARED") == "1" {
			tb.Fatal(msg + " (required because OPENCTI_SDK_REQUIRE_SHARED=1)")
		}
		tb.Skip(msg)
	}
	return filepath.Clean(path)
}

// AMQPURL returns the URL of a reachable RabbitMQ broker: OPENCTI_SDK_AMQP_URL
// when set, else [DefaultAMQPURL]. It skips the test when no TCP connection opens to
// that address within two seconds, or fails it when
// OPENCTI_SDK_REQUIRE_RABBITMQ=1.
func AMQPURL(tb testing.TB) string {
	tb.Helper()
	raw := os.Getenv("OPENCTI_SDK_AMQP_URL")
	if raw == "" {
		raw = DefaultAMQPURL
	}
	u, err := url.Parse(raw)
	if err != nil {
		tb.Fatalf("invalid OPENCTI_SDK_AMQP_URL %q: %v", raw, err)
	}
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), "5672")
	}
	conn, err := net.DialTimeout("tcp", host, 2*time.Second)
	if err != nil {
		msg := "RabbitMQ not reachable at " + host + ": " + err.Error() +
			"; start it with `rabbitmq-server -detached` or set OPENCTI_SDK_AMQP_URL"
		if os.Getenv("OPENCTI_SDK_REQUIRE_RABBITMQ") == "1" {
			tb.Fatal(msg + " (required because OPENCTI_SDK_REQUIRE_RABBITMQ=1)")
		}
		tb.Skip(msg)
	}
	conn.Close()
	return raw
}

// StartChild starts the test binary again, with env ("NAME=value") added
// to its environment and no test selected, so that the package's TestMain
// can run it as a child process. It returns the command and its standard
// output. The child's standard error is collected in stderr, which is safe
// to read once cmd.Wait has returned. The child is killed when the test
// ends.
func StartChild(tb testing.TB, env string) (cmd *exec.Cmd, stdout io.ReadCloser,
	stderr *strings.Builder) {
	tb.Helper()
	cmd = exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), env)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stderr = &strings.Builder{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = cmd.Process.Kill() })
	return cmd, stdout, stderr
}
