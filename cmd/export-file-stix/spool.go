package main

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/opencti-go/sdk/connector"
	"github.com/opencti-go/sdk/pycti/export"
)

// leftoverMinAge is how long an unlocked spool file is kept before it
// counts as a leftover. The file's lock is what marks a running export, so
// the age only has to cover the moment between creating a spool file and
// locking it.
const leftoverMinAge = time.Minute

// defaultSpoolDir returns the spool folder used when
// EXPORT_FILE_STIX_SPOOL_DIR is not set, inside the system's temporary
// folder. Its name has the user id where the system has one, because
// connectors of different users that share /tmp cannot share a 0700
// folder.
func defaultSpoolDir() string {
	name := "opencti-export-file-stix"
	if uid := os.Getuid(); uid >= 0 {
		name += "-" + strconv.Itoa(uid)
	}
	return filepath.Join(os.TempDir(), name)
}

// readSpoolDir reads EXPORT_FILE_STIX_SPOOL_DIR (export_file_stix.spool_dir)
// without spaces around it, as an absolute path so that the logs name the
// real folder. An empty value means defaultSpoolDir.
func readSpoolDir(src *connector.Source) (string, error) {
	dir := strings.TrimSpace(src.String("EXPORT_FILE_STIX_SPOOL_DIR",
		"export_file_stix.spool_dir", ""))
	if dir == "" {
		return defaultSpoolDir(), nil
	}
	// Only a shell expands ~, and neither the environment of a container
	// nor config.yml goes through one, so ~/spool would be a folder named
	// ~ in the working directory.
	if strings.HasPrefix(dir, "~") {
		return "", fmt.Errorf("EXPORT_FILE_STIX_SPOOL_DIR (export_file_stix.spool_dir) %q "+
			"starts with ~, which is not expanded to a home folder: use an absolute path, "+
			"or ./%s for a folder of that name in the working directory", dir, dir)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("EXPORT_FILE_STIX_SPOOL_DIR (export_file_stix.spool_dir) %q: "+
			"%w; use an absolute path", dir, err)
	}
	return abs, nil
}

// prepareSpoolDir creates the spool folder dir, checks that a spool file can
// be created in it, and removes the spool files that killed processes left
// in it. Each removed file is logged at info level on log. A failed
// clean-up is logged on warnLog and is not an error, because exports still
// work.
func prepareSpoolDir(dir string, log, warnLog *slog.Logger) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create spool folder: %w; set EXPORT_FILE_STIX_SPOOL_DIR "+
			"(export_file_stix.spool_dir) to a folder this user can write", err)
	}
	info, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("spool folder: %w", err)
	}
	if !info.IsDir() {
		return fmt.Errorf("spool folder %s is not a folder (a symbolic link or a file): "+
			"remove it, or set EXPORT_FILE_STIX_SPOOL_DIR (export_file_stix.spool_dir) "+
			"to another folder", dir)
	}
	if err := export.CheckSpoolFolder(dir); err != nil {
		return fmt.Errorf("%w; set EXPORT_FILE_STIX_SPOOL_DIR (export_file_stix.spool_dir) "+
			"to a folder this user can write", err)
	}
	removed, err := export.RemoveLeftoverSpools(dir, leftoverMinAge)
	for _, r := range removed {
		log.Info("leftover export spool file removed", slog.String("path", r.Path),
			slog.Int64("bytes", r.Size), slog.Time("modified", r.ModTime))
	}
	if err != nil {
		warnLog.Warn("leftover export spool files not removed", slog.String("folder", dir),
			slog.String("error", err.Error()))
	}
	return nil
}
