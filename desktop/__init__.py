"""Front ends: the Qt application and the admin command line; `desktop.__main__` picks one."""
