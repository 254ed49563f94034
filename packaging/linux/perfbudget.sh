#!/bin/sh
# /usr/bin/perfbudget of the .deb: runs the bundled program in /opt/perfbudget.
exec /opt/perfbudget/perfbudget "$@"
