"""Pure rules of result application: the policy as a value and rectification statuses and deadlines."""
