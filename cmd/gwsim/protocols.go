package main

// The registered device protocols, as gwd and gwctl link them: gwsim reads
// the template library for its demo hints, which holds every protocol's
// templates.
import _ "github.com/ocppgw/ocppgw/drivers/linked"
