package station

import (
	"strings"

	"github.com/ocppgw/ocppgw/controllers/station/devicemodel"
	"github.com/ocppgw/ocppgw/drivers/ocpp"
)

// The device model's enums share their spelling with OCPP's, so conversion
// is by value; the tables of devicemodel and ocpp are checked against each
// other in the tests.

func modelKey(c ocpp.ComponentType, v ocpp.VariableType, a ocpp.AttributeEnumType) devicemodel.Key {
	k := devicemodel.Key{
		Component: devicemodel.Component{Name: c.Name, Instance: c.Instance},
		Variable:  devicemodel.Variable{Name: v.Name, Instance: v.Instance},
		Attribute: devicemodel.Attribute(a),
	}
	if c.EVSE != nil {
		k.Component.EVSE = c.EVSE.ID
		if c.EVSE.ConnectorID != nil {
			k.Component.Connector = *c.EVSE.ConnectorID
		}
	}
	return k
}

func componentType(c devicemodel.Component) ocpp.ComponentType {
	t := ocpp.ComponentType{Name: c.Name, Instance: c.Instance}
	if c.EVSE != 0 {
		t.EVSE = &ocpp.EVSEType{ID: c.EVSE}
		if c.Connector != 0 {
			conn := c.Connector
			t.EVSE.ConnectorID = &conn
		}
	}
	return t
}

func variableType(v devicemodel.Variable) ocpp.VariableType {
	return ocpp.VariableType{Name: v.Name, Instance: v.Instance}
}

// statusInfo builds an attributeStatusInfo, trimmed to the schema's limits.
func statusInfo(reason, detail string) *ocpp.StatusInfoType {
	if reason == "" {
		return nil
	}
	return &ocpp.StatusInfoType{ReasonCode: truncate(reason, 20), AdditionalInfo: truncate(detail, 512)}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// getVariables answers a GetVariablesRequest from the model (B06), one
// result per requested item, in order.
func getVariables(m *devicemodel.Model, req *ocpp.GetVariablesRequest) *ocpp.GetVariablesResponse {
	resp := &ocpp.GetVariablesResponse{GetVariableResult: make([]ocpp.GetVariableResultType, 0, len(req.GetVariableData))}
	for _, d := range req.GetVariableData {
		r := m.Get(modelKey(d.Component, d.Variable, d.AttributeType))
		res := ocpp.GetVariableResultType{
			AttributeStatus: ocpp.GetVariableStatusEnumType(r.Status), AttributeType: d.AttributeType,
			Component: d.Component, Variable: d.Variable, AttributeStatusInfo: statusInfo(r.Reason, r.Detail),
		}
		if r.Status == devicemodel.GetAccepted {
			v := truncate(r.Value, 2500)
			res.AttributeValue = &v
		}
		resp.GetVariableResult = append(resp.GetVariableResult, res)
	}
	return resp
}

// setVariables applies a SetVariablesRequest to the model (B05). It returns
// the response and the keys that changed, for the station to act on.
func setVariables(m *devicemodel.Model, req *ocpp.SetVariablesRequest) (*ocpp.SetVariablesResponse, []devicemodel.Key) {
	resp := &ocpp.SetVariablesResponse{SetVariableResult: make([]ocpp.SetVariableResultType, 0, len(req.SetVariableData))}
	var changed []devicemodel.Key
	for _, d := range req.SetVariableData {
		k := modelKey(d.Component, d.Variable, d.AttributeType)
		r := m.Set(k, d.AttributeValue)
		resp.SetVariableResult = append(resp.SetVariableResult, ocpp.SetVariableResultType{
			AttributeType: d.AttributeType, AttributeStatus: ocpp.SetVariableStatusEnumType(r.Status),
			AttributeStatusInfo: statusInfo(r.Reason, r.Detail), Component: d.Component, Variable: d.Variable,
		})
		if r.Status == devicemodel.SetAccepted || r.Status == devicemodel.SetRebootRequired {
			changed = append(changed, k)
		}
	}
	return resp, changed
}

// reportData converts report items to NotifyReport's ReportDataType.
func reportData(items []devicemodel.ReportItem) []ocpp.ReportDataType {
	out := make([]ocpp.ReportDataType, len(items))
	for i, it := range items {
		rd := ocpp.ReportDataType{Component: componentType(it.Component), Variable: variableType(it.Variable)}
		for _, a := range it.Attributes {
			persistent, constant := a.Persistent, a.Constant
			rd.VariableAttribute = append(rd.VariableAttribute, ocpp.VariableAttributeType{
				Type: ocpp.AttributeEnumType(a.Type), Value: a.Value, Mutability: ocpp.MutabilityEnumType(a.Mutability),
				Persistent: &persistent, Constant: &constant,
			})
		}
		ch := it.Chars
		rd.VariableCharacteristics = &ocpp.VariableCharacteristicsType{
			Unit: ch.Unit, DataType: ocpp.DataEnumType(ch.DataType), MinLimit: ch.MinLimit, MaxLimit: ch.MaxLimit,
			ValuesList: strings.Join(ch.ValuesList, ","), SupportsMonitoring: ch.SupportsMonitoring,
		}
		out[i] = rd
	}
	return out
}
