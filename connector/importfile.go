package connector

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// FileDownloader is implemented by a [Platform] that can read the
// platform's file storage. [Message.OpenFile] needs it.
type FileDownloader interface {
	// DownloadFile streams GET <platform>/storage/get/<fileID>, as the
	// connector's own user. A status other than 200 is an error that
	// carries the platform's error text.
	DownloadFile(ctx context.Context, fileID string) (io.ReadCloser, error)
}

// OpenFile streams the file of an import-file message from the platform's
// storage, as the connector's own user (as pycti does), so the connector
// needs the right to read it. The caller closes the reader.
func (m *Message) OpenFile(ctx context.Context) (io.ReadCloser, error) {
	if m.ImportFile == nil {
		return nil, errors.New("open file: not an import file message")
	}
	if m.conn == nil {
		return nil, errors.New("open file: message not delivered by a running connector")
	}
	dl, ok := m.conn.platform.(FileDownloader)
	if !ok {
		return nil, fmt.Errorf("open file %s: %w", m.ImportFile.FileID, ErrUnsupported)
	}
	body, err := dl.DownloadFile(ctx, m.ImportFile.FileID)
	if err != nil {
		return nil, fmt.Errorf("open file %s: %w", m.ImportFile.FileID, err)
	}
	return body, nil
}

// FileName returns the file's name: the last segment of its storage key.
func (e *ImportFileEvent) FileName() string {
	return e.FileID[strings.LastIndexByte(e.FileID, '/')+1:]
}

// ImportConfiguration returns the configuration the requester chose for an
// import, the top-level "configuration" string of the message, or "" when
// there is none. pycti 7.x also copies it into the event.
func (m *Message) ImportConfiguration() string {
	if m.Configuration == nil {
		return ""
	}
	var s string
	if json.Unmarshal(m.Configuration, &s) == nil {
		return s
	}
	return string(m.Configuration)
}

// ValidationApplies reports whether the bundles of this import must go
// through validation before ingestion, by pycti's rule: when
// CONNECTOR_VALIDATE_BEFORE_IMPORT is set or the user forced validation,
// and the user did not bypass it. The platform bypasses it for imports
// made inside a draft, whose bundles go to that draft.
func (e *ImportFileEvent) ValidationApplies(validateBeforeImport bool) bool {
	return (validateBeforeImport || e.ForceValidation) && !e.BypassValidation
}

// checkValidation refuses to send the bundle of an import that requests
// validation, rather than ingesting what the user wanted to review.
// NOTE: the workbench (uploadPending) and draft creation
// (draftWorkspaceAdd) paths are not implemented; pycti's client here has
// no upload of pending files.
func (m *Message) checkValidation() error {
	ev := m.ImportFile
	if ev == nil || m.Internal.DraftID != "" || !ev.ValidationApplies(m.conn.cfg.ValidateBeforeImport) {
		return nil
	}
	mode := ev.ValidationMode
	if mode == "" {
		mode = "workbench"
	}
	return fmt.Errorf("send bundle of %s: validation before import (%s mode) is %w; "+
		"import with validation bypassed, or unset CONNECTOR_VALIDATE_BEFORE_IMPORT",
		ev.FileName(), mode, ErrUnsupported)
}
