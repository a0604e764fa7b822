"""A source's form designed from its schema (design), as Forms API bodies (api), and a live form checked
against it (drift). Pure: the I/O is in backends/gapi.py and commands/forms.py."""
