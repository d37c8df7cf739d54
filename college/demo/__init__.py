"""The demo district: `flask demo load`."""
