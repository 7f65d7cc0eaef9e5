"""Writers for everything a listener, a player or a podcast app receives."""
