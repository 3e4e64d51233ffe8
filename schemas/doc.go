// Package schemas embeds the JSON Schemas (draft 2020-12) of the resource
// kinds, used to validate applied documents before admission and to describe
// the API; OCPP 2.0.1 message schemas will live beside them under ocpp/.
package schemas
