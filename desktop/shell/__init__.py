"""The application shell: start-up, login, main window, background runner, event hub, error dialogs."""
