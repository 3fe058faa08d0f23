//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package export

import (
	"fmt"
	"os"
	"runtime"
)

// errNoSpoolLocks is returned by tryLockSpool where this package has no
// flock. Without the lock, RemoveLeftoverSpools cannot tell a leftover from
// the file of a running export, so it removes nothing.
var errNoSpoolLocks = fmt.Errorf("spool file locks are not implemented on %s, so "+
	"leftover spool files are kept: remove them by hand when no export runs", runtime.GOOS)

// lockSpool does nothing: spool files are not locked on this system.
func lockSpool(*os.File) error { return nil }

// tryLockSpool returns errNoSpoolLocks.
func tryLockSpool(*os.File) (bool, error) { return false, errNoSpoolLocks }

// openSpool opens the spool file at path.
func openSpool(path string) (*os.File, error) { return os.Open(path) }
