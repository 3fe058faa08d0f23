// Command export-file-stix is OpenCTI's STIX 2.1 export connector: it
// consumes the platform's export requests from RabbitMQ, builds each
// bundle with package pycti/export and uploads it to the platform. It reads
// the Python connector's configuration (config.yml and the same
// environment variables).
//
// Usage:
//
//	export-file-stix [--config config.yml]
//	export-file-stix --once message.json
//	export-file-stix --demo [--output ./export-output]
//
// Without a flag it runs as a connector until SIGINT or SIGTERM. --once
// processes one export message from a file ("-" for standard input),
// without RabbitMQ, and exits non-zero when the export fails. --demo runs
// an offline demo against an in-memory platform.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/opencti-go/sdk/connector"
	"github.com/opencti-go/sdk/pycti"
	"github.com/opencti-go/sdk/pycti/export"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.LookupEnv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes.
const (
	exitOK     = 0
	exitFailed = 1 // the export or the connector failed
	exitUsage  = 2 // invalid flags or configuration
)

const usageText = `Usage:
  export-file-stix [--config FILE]            run the connector on RabbitMQ
  export-file-stix --once FILE|- [--config FILE]
                                               process one export message
  export-file-stix --demo [--output DIR]      offline demo, no OpenCTI needed

The configuration comes from config.yml and the environment, with the
Python connector's names (OPENCTI_URL, OPENCTI_TOKEN, CONNECTOR_ID, ...);
an environment variable wins over config.yml. docs/configuration.md lists
every key.

Flags:
`

// run is the whole program, with its inputs and outputs passed in so that
// tests can run it.
func run(ctx context.Context, args []string, lookupEnv func(string) (string, bool),
	stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("export-file-stix", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "config.yml", "`path` of the configuration file; "+
		"only the default config.yml may be missing")
	once := fs.String("once", "", "process the export message in `file` (- for standard input) "+
		"without RabbitMQ, then exit")
	demo := fs.Bool("demo", false, "run the offline demo: an in-memory platform with sample "+
		"data, four exports covering each scope and both modes, bundles written to --output")
	output := fs.String("output", "export-output", "`folder` the demo writes its bundles to")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageText)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "export-file-stix: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return exitUsage
	}
	if err := checkFlagModes(fs); err != nil {
		fmt.Fprintf(stderr, "export-file-stix: %v\n", err)
		return exitUsage
	}
	if *demo {
		return runDemo(ctx, *output, stdout, stderr)
	}
	if err := checkConfigFlag(fs, *configPath); err != nil {
		fmt.Fprintf(stderr, "export-file-stix: %v\n", err)
		return exitUsage
	}
	app, err := setup(*configPath, lookupEnv, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "export-file-stix: %v\n", err)
		return exitUsage
	}
	if *once != "" {
		return app.runOnce(ctx, *once, stdin)
	}
	return app.runConnector(ctx)
}

// checkFlagModes rejects flags that the chosen mode would ignore: --demo
// reads no configuration and no message, and only --demo writes to
// --output.
func checkFlagModes(fs *flag.FlagSet) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case set["demo"] && set["once"]:
		return errors.New("--demo and --once cannot be combined: the demo runs its own " +
			"exports; drop one of them")
	case set["demo"] && set["config"]:
		return errors.New("--demo reads no configuration: drop --config")
	case set["output"] && !set["demo"]:
		return errors.New("--output is the folder of --demo: add --demo, or drop --output")
	}
	return nil
}

// app is the configured program: client, engine, export handler, logger.
type app struct {
	cfg     *settings
	client  *pycti.Client
	x       *export.Exporter
	handler connector.Handler
	log     *slog.Logger
}

func setup(configPath string, lookupEnv func(string) (string, bool), stderr io.Writer) (*app, error) {
	cfg, err := loadSettings(configPath, lookupEnv)
	if err != nil {
		return nil, err
	}
	log := connector.NewLogger(stderr, cfg.conn)
	opts, warnings := cfg.clientOptions()
	client, err := pycti.NewClient(cfg.conn.URL, cfg.conn.Token.Reveal(),
		append(opts, pycti.WithLogger(log))...)
	if err != nil {
		return nil, err
	}
	xopts := cfg.exportOptions()
	xopts.Logger = log
	x, err := export.New(client, xopts)
	if err != nil {
		return nil, err
	}
	// The configuration warnings are logged once at start-up, even at the
	// default level error, because a misspelt log_level is among them.
	startLog := slog.New(connector.NewLogHandler(stderr, cfg.conn.JSONLogging,
		min(cfg.conn.LogLevel, slog.LevelWarn))).With("name", cfg.conn.Name)
	for _, w := range append(cfg.warnings, warnings...) {
		startLog.Warn("configuration", slog.String("warning", w))
	}
	if err := prepareSpoolDir(cfg.spoolDir, log, startLog); err != nil {
		return nil, err
	}
	return &app{cfg: cfg, client: client, x: x, handler: &handler{x: x}, log: log}, nil
}

// runConnector consumes export requests until ctx ends.
func (a *app) runConnector(ctx context.Context) int {
	conn, err := connector.New(a.cfg.conn, connector.NewPlatform(a.client),
		connector.Options{Logger: a.log})
	if err != nil {
		a.log.Error("connector setup failed", slog.String("error", err.Error()))
		return exitUsage
	}
	a.log.Info("connector starting", slog.String("profile", string(a.cfg.profile)),
		slog.String("connector_id", a.cfg.conn.ID))
	if err := conn.Run(ctx, a.handler); err != nil {
		a.log.Error("connector stopped", slog.String("error", err.Error()))
		return exitFailed
	}
	// The framework has logged the stop.
	return exitOK
}
