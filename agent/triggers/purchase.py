"""The purchase-intent trigger: bulk, B2B and high-value buying decisions go to sales.

Three signs: a bulk/wholesale/corporate request (enough on its own); a
quantity of ``purchase_quantity_threshold`` units or more; an amount of
``purchase_value_threshold`` or more. Quantities and amounts count only in a
message that also talks about buying, so a billing complaint ("charged
$1,200"), a late order ("my order of 15 bottles") or a product spec ("the
24-piece set") is not a sale.
"""

from __future__ import annotations

import re
from functools import cache

from agent.settings import TriggerSettings
from agent.state import TriggerHit
from agent.triggers.packs import load_pack
from agent.triggers.rules import pack_rules
from agent.triggers.text import Text

_NUMBER = (
    r"(\d{1,3}(?:[.,\s]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)\s?(k|thousand|mil|million)?"
)
_GROUPED = re.compile(r"(\d{1,3}(?:[.,]\d{3})+)(?:[.,](\d{1,2}))?")
_SCALE = {"k": 1e3, "thousand": 1e3, "mil": 1e3, "million": 1e6}


@cache
def _patterns() -> tuple[re.Pattern[str], ...]:
    lists = load_pack("purchase").lists
    units, before, after, verbs, measures = (
        "|".join(lists[k])
        for k in ("units", "currencies_before", "currencies_after", "quantity_verbs", "not_units")
    )
    # "24 piece set" names a product, not a quantity to buy.
    quantity = re.compile(
        rf"(?<![\w$€£.,]){_NUMBER}[ -]?(?:{units})\b(?![ -]?(?:set|kit|bundle|collection|puzzle)\b)"
    )
    money = re.compile(rf"(?:(?:{before}) ?{_NUMBER}|(?<![\w.,]){_NUMBER} ?(?:{after}))(?!\w)")
    wanted = re.compile(
        rf"\b(?:{verbs}) (?:about |around |roughly |at least |over |some )?{_NUMBER}\b(?! ?(?:{measures})(?!\w))"
    )
    return quantity, wanted, money


def parse_number(digits: str, scale: str | None = None) -> float:
    """Read "3,000", "3.000", "3 000" (3000), "1,200.50", "1,5" (1.5) and "2k" (2000)."""
    digits = digits.replace(" ", "")
    grouped = _GROUPED.fullmatch(digits)
    if grouped:
        value = float(re.sub(r"[.,]", "", grouped.group(1)))
        value += float(f"0.{grouped.group(2)}") if grouped.group(2) else 0.0
    else:
        value = float(digits.replace(",", "."))
    return value * _SCALE.get(scale or "", 1.0)


def check(text: Text, settings: TriggerSettings) -> TriggerHit | None:
    """A hit for a bulk request, or a buying message with a big quantity or amount."""
    if not text.folded:
        return None
    rules = {rule.name: rule for rule in pack_rules("purchase")}
    bulk, buying = rules["bulk"], rules["buying"]
    found = bulk.find(text.folded)
    if found:
        return TriggerHit(
            kind="purchase_intent", reason="bulk or business order", evidence=found.evidence[:200]
        )
    if buying.find(text.folded) is None:
        return None
    quantity, wanted, money = _patterns()
    for m in [*quantity.finditer(text.folded), *wanted.finditer(text.folded)]:
        qty = parse_number(m.group(1), m.group(2))
        if qty >= settings.purchase_quantity_threshold:
            reason = f"quantity {qty:g} >= {settings.purchase_quantity_threshold}"
            return TriggerHit(kind="purchase_intent", reason=reason, evidence=m.group(0), score=qty)
    for m in money.finditer(text.folded):
        amount = parse_number(m.group(1) or m.group(3), m.group(2) or m.group(4))
        if amount >= settings.purchase_value_threshold:
            reason = f"amount {amount:g} >= {settings.purchase_value_threshold:g}"
            return TriggerHit(
                kind="purchase_intent", reason=reason, evidence=m.group(0).strip(), score=amount
            )
    return None
