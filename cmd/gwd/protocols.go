package main

// The registered device protocols; the list is drivers/linked, shared with
// gwctl, gwd and the tests so they all know the same protocols.
import _ "github.com/ocppgw/ocppgw/drivers/linked"
