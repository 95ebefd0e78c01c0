"""The Jinja environment templates render in: public attributes only.

What a page shows must be what `pagerecords` and `sitegen serve` track, and both follow the
attributes templates read. A private attribute (`page._page`) would reach a page's inputs
behind their back, so templates get an undefined value for it (an error, as for any name a
template gets wrong). Keys of mappings, such as front matter starting with "_", stay
readable."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jinja2


class PublicEnvironment(jinja2.Environment):
    def getattr(self, obj: Any, attribute: str) -> Any:
        if attribute.startswith("_"):
            if isinstance(obj, Mapping) and attribute in obj:
                return obj[attribute]
            return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        private = isinstance(argument, str) and argument.startswith("_")
        if private and not isinstance(obj, Mapping):
            return self.undefined(obj=obj, name=argument)
        return super().getitem(obj, argument)
