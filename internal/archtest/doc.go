// Package archtest holds tests of the module's import boundaries: the layers that learn of
// device protocols from the drivers registry must not import a protocol's package.
package archtest
