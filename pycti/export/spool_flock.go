//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package export

import (
	"errors"
	"os"
	"syscall"
)

// lockSpool takes an exclusive flock on f. flock locks belong to the open
// file, so they are released when f is closed or its process dies.
func lockSpool(f *os.File) error {
	return flock(f, syscall.LOCK_EX|syscall.LOCK_NB)
}

// tryLockSpool takes an exclusive flock on f without waiting, and reports
// whether it got it.
func tryLockSpool(f *os.File) (bool, error) {
	err := flock(f, syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return false, nil
	}
	return err == nil, err
}

// openSpool opens the spool file at path for locking. It does not follow
// a symbolic link, so a link planted in a shared folder is never opened.
func openSpool(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
}

func flock(f *os.File, how int) error {
	conn, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var lockErr error
	err = conn.Control(func(fd uintptr) {
		for {
			lockErr = syscall.Flock(int(fd), how)
			if !errors.Is(lockErr, syscall.EINTR) {
				return
			}
		}
	})
	if err != nil {
		return err
	}
	if lockErr != nil {
		return &os.PathError{Op: "flock", Path: f.Name(), Err: lockErr}
	}
	return nil
}
