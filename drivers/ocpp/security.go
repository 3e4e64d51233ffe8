package ocpp

// Security (functional block A).

// SecurityEventNotificationRequest is the payload of a SecurityEventNotification CALL.
type SecurityEventNotificationRequest struct {
	CustomData *CustomDataType `json:"customData,omitempty"`
	Type       string          `json:"type" ocpp:"maxLength=50"`
	Timestamp  DateTime        `json:"timestamp"`
	TechInfo   string          `json:"techInfo,omitempty" ocpp:"maxLength=255"`
}

// SecurityEventNotificationResponse is the payload of a SecurityEventNotification CALLRESULT.
type SecurityEventNotificationResponse struct {
	CustomData *CustomDataType `json:"customData,omitempty"`
}
