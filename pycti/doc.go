// Package pycti is the OpenCTI GraphQL client.
package pycti

//go:generate go tool genqlient ../genqlient.yaml
