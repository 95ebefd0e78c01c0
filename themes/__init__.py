"""The built-in themes, `base` and `default`, shipped inside sitegen as package data, so an
installed sitegen builds a studio with no themes/ of its own. A studio's themes/NAME is found
first: it replaces the built-in theme of that name, or extends one."""
