"""The work itself, without Qt: rules, services (use cases), exchange workbooks and reports."""
