"""The command line (`perfbudget …`): one module per command group under one entry point."""
