package export

import (
	"context"
	"log/slog"

	"github.com/opencti-go/sdk/stix"
	"github.com/opencti-go/sdk/stix/validate"
)

// emitter writes the objects of one bundle: it drops repeated ids, checks
// each object with a validation session, writes it and logs progress. It
// keeps no object, only the set of ids written.
type emitter struct {
	w       *stix.BundleWriter
	session *validate.Session
	seen    *idSet
	log     *slog.Logger
	every   int

	objects  int
	dropped  int
	errs     []validate.Finding
	warnings int
	// warning is the first warning, logged with the count at the end.
	warning validate.Finding
}

func newEmitter(w *stix.BundleWriter, v *validate.Validator, log *slog.Logger, every int) *emitter {
	return &emitter{w: w, session: v.NewSession(), seen: newIDSet(), log: log, every: every}
}

// written reports whether an object with this id is in the bundle.
func (em *emitter) written(id string) bool { return em.seen.Has(id) }

// emit validates and writes one object, unless an object with the same id
// was written before. It returns a *ValidationError once maxFindings error
// findings are collected, so that a bundle that cannot be stored is not
// read to its end.
func (em *emitter) emit(ctx context.Context, id string, raw []byte) error {
	if !em.seen.Add(id) {
		return nil
	}
	for _, f := range em.session.Add(raw) {
		em.record(f)
	}
	if len(em.errs) >= maxFindings {
		return &ValidationError{Findings: em.errs, Truncated: true}
	}
	if err := em.w.WriteRaw(raw); err != nil {
		return err
	}
	em.objects++
	if em.every > 0 && em.objects%em.every == 0 {
		em.log.LogAttrs(ctx, slog.LevelInfo, "export progress", slog.Int("objects", em.objects),
			slog.Int64("bytes", em.w.BytesWritten()))
	}
	return nil
}

func (em *emitter) record(f validate.Finding) {
	switch f.Severity {
	case validate.SeverityError:
		if len(em.errs) < maxFindings {
			em.errs = append(em.errs, f)
		}
	case validate.SeverityWarning:
		if em.warnings == 0 {
			em.warning = f
		}
		em.warnings++
	}
}

// finish runs the checks that need the whole bundle, then closes it. It
// returns a *ValidationError when any object broke a MUST rule of STIX 2.1.
func (em *emitter) finish(ctx context.Context) error {
	for _, f := range em.session.Finish() {
		em.record(f)
	}
	if em.warnings > 0 {
		em.log.LogAttrs(ctx, slog.LevelInfo, "bundle has validation warnings",
			slog.Int("count", em.warnings), slog.String("first", em.warning.String()))
	}
	if len(em.errs) > 0 {
		return &ValidationError{Findings: em.errs, Truncated: len(em.errs) >= maxFindings}
	}
	return em.w.Close()
}
