"""The 项目库 area: the bureau's project library."""
