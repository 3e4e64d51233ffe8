package ocppschema

import (
	"embed"
	"io/fs"
)

// BaseURL is the $id prefix of every OCPP message schema.
const BaseURL = "https://ocppgw.dev/schemas/ocpp201/"

//go:embed *.json
var files embed.FS

// FS returns the schema files, named <Action>Request.json and
// <Action>Response.json at the root.
func FS() fs.FS { return files }

// File returns one schema document by file name, e.g.
// "BootNotificationRequest.json".
func File(name string) ([]byte, error) { return files.ReadFile(name) }
