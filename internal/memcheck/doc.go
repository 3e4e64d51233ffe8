// Package memcheck measures what a call allocates, so that fuzz targets and
// limit tests of the decoders can assert that no input costs more memory
// than a small factor of its size.
package memcheck
