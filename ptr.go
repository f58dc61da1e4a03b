package platformclient

// Ptr returns a pointer to v, for setting optional fields and parameters:
// models.User{Name: platformclient.Ptr("Ann")}.
func Ptr[T any](v T) *T { return &v }

// Value returns *p, or the zero value of T when p is nil, for reading
// optional fields without a nil check: platformclient.Value(u.Name).
func Value[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
