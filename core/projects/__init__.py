"""The project library (项目库): registering projects, their lifecycle and the links to last year's projects."""
