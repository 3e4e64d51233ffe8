// Package schemas serves the JSON Schemas (draft 2020-12) of the resource
// kinds, generated from their registered Go types (api/v1alpha1), to
// validate applied documents before admission and to describe the API. The
// OCPP 2.0.1 message schemas live beside them under ocpp/.
//
// testdata/handwritten holds the resource schemas as they were written by
// hand before generation; a test holds the generated ones to every
// constraint they expressed.
package schemas
