"""Pure rules of the organisation: roles and what each may do, password hashing and policy."""
