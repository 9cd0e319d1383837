"""People: accounts, sign-in sessions, API tokens, single sign-on and the people directory."""
