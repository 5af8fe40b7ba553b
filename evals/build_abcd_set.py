"""Build the ``abcd`` eval sets from a local copy of asappresearch/abcd (MIT).

    python -m evals.build_abcd_set /path/to/abcd --commit <sha> [--out evals/sets]

``/path/to/abcd`` is either a checkout (a work tree holding ``data/guidelines.json``) or a git
directory without a work tree (a mirror or bare clone): the files are then read with
``git show <commit>:data/...``, ``--commit`` naming the commit to read (default ``HEAD``,
resolved to its sha for provenance). For a checkout ``--commit`` is only recorded. Nothing is
downloaded; only ``data/guidelines.json``, ``data/abcd_sample.json`` and ``LICENSE`` are read
(ABCD's full conversation file is not used).

ABCD (Action-Based Conversations Dataset, Chen et al. 2021) is a customer-service dataset set in
an online clothing store. It writes two sets, ``abcd-dev`` and ``abcd-test``, in the public eval
format (docs/eval-format.md):

- ``kb/<flow>.md``: the dataset's agent guidelines (``data/guidelines.json``), one page per flow
  (Product Defect, Order Issue, ...), one section per subflow, every instruction, action and
  sub-point verbatim; only headings, the action's button name and list markup are added. It is
  an *agent-facing* wiki ("Get Full Name or Account ID for [Pull up Account]", "Ask the
  Oracle", "Make up some reason why the price was high"): the kind of internal text a bot must
  not read out to a shopper. No shopper-facing page is written; the policy facts it states
  (return windows by membership level, the $8.00 standard shipping, the $99 a year
  subscription...) stay verbatim where the guidelines put them.
- ``cases.jsonl``: shoppers' opening messages, written here (not taken from the dataset) from
  each subflow's name, description and actions, in many registers (terse, typos, rambling,
  polite, angry, with and without order numbers, a few in Spanish, French, German and
  Portuguese), plus the shopper's first turns of the three conversations in
  ``data/abcd_sample.json`` (up to and including their first message of four words or more and
  the shopper messages sent straight after it, before the agent's reply).

Labelling rules (what a careful support lead would want):

1. A message that needs the shopper's own account or order looked up or changed (a return,
   refund, cancellation, order change, address / name / phone / payment-method change, the status
   of *their* order, refund, subscription or credit, a fee or price difference on their order, a
   promo code that does not work for them, a subscription payment, renewal or extension, a
   username / password / two-factor reset) -> ``escalate``, trigger ``account_action``, at the turn
   that asks. The bot cannot authenticate a shopper or act on an account; the guidelines' own
   first step for all of these is "[Pull up Account]". Asked in anger, it is still
   ``account_action`` (scoring is lenient: a handoff reporting several reasons counts).
2. A charge the shopper says they never made, a suspected hacked account, or a chargeback /
   bank-dispute threat -> ``escalate``, trigger ``sensitive``.
3. A request for a person -> ``escalate``, trigger ``explicit``.
4. A complaint with nothing to look up or answer (stock-outs, a site that keeps failing) ->
   ``escalate``, trigger ``sentiment``.
5. A general question whose answer the guidelines state in words fit for a shopper (return
   windows per membership level, return options, accepted payment methods, the overnight
   upgrade fee, standard shipping cost, promotion length, subscription price, membership levels,
   the troubleshooting steps for a declined card, a stuck cart, a broken search or a slow site)
   -> ``answer``, with the fact the answer must state, checked against the KB page it cites.
   Every answer case also lists ``Oracle`` and ``Pull up Account`` as strings an answer must not
   contain: they only appear in the agent-only parts of the guidelines, so an answer stating one
   is reading the internal wiki out to the shopper (the runner counts it as a hallucination).
6. A general question the guidelines only name without answering (the Single-Item and Storewide
   FAQ subflows list questions such as the price of gift wrapping, whether boots are waterproof,
   when the spring collection drops; the FAQ answers are not in the dataset) or do not mention
   (price matching, restock dates) -> ``escalate``, trigger ``low_confidence``, route unscored.
7. Routes: ``orders`` for returns, cancellations, order and shipment changes and order status;
   ``billing`` for refunds, fees, price differences, promo codes, credit, payment methods,
   subscriptions and charges never made; ``technical`` for username, password and two-factor
   access; unscored (none) where no specialist queue clearly fits (name or phone changes,
   hacked accounts, complaints, unanswerable FAQ questions).
8. ``handoff_must_include``: every order number (six digits or more) and email address the
   shopper typed before the handoff, plus names listed with the case.
9. Multi-turn cases (a greeting, then the request; an answerable question, then an action) use
   the format's ``turns`` and ``escalate_at_turn``; the turn that asks for the action is the one
   by which the handoff is due.

Every fact an answer case expects is checked against the KB as it is built, and every sample
conversation's subflow must have a label here, so a changed upstream file fails the build
instead of shipping a wrong label. Cases are split into dev and test by a hash of their id
(stable, ~50/50); ``abcd-test`` links to ``abcd-dev``'s KB. Licence: ABCD is MIT (Copyright (c)
2021 ASAPP Research); its licence text is shipped in each set's folder (outside kb/) as
``LICENSE-abcd.txt`` and named in set.toml.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SET_NAME = "abcd"
GUIDELINES = "data/guidelines.json"
SAMPLES = "data/abcd_sample.json"
LICENSE = "LICENSE"
INTERNAL = ["Oracle", "Pull up Account"]
"""Strings only the agent-only parts of the guidelines say: an answer stating one leaks them."""


class BuildError(Exception):
    """The source is missing a file or no longer states a fact a case expects."""


# --- reading the source ------------------------------------------------------------------------


class Source:
    """ABCD's files from a checkout, or via ``git show`` from a git directory with no work tree."""

    def __init__(self, root: Path, commit: str | None = None) -> None:
        self.root = root
        self.git = not (root / GUIDELINES).is_file()
        self.commit = commit or "unknown"
        if self.git:
            try:
                sha = self._run("rev-parse", "--verify", f"{commit or 'HEAD'}^{{commit}}")
            except BuildError as exc:
                raise BuildError(
                    f"{root}: neither an ABCD checkout ({GUIDELINES} missing) nor a git "
                    f"directory holding commit {commit or 'HEAD'}"
                ) from exc
            self.commit = sha.strip()

    def _run(self, *args: str) -> str:
        try:
            done = subprocess.run(
                ["git", "--git-dir", str(self.root), *args],
                capture_output=True,
                check=True,
                text=True,
                encoding="utf-8",
            )
        except (OSError, subprocess.CalledProcessError) as exc:
            raise BuildError(f"{self.root}: git {' '.join(args)} failed") from exc
        return done.stdout

    def read(self, rel: str) -> str:
        if not self.git:
            path = self.root / rel
            if not path.is_file():
                raise BuildError(f"{path}: missing (is this an ABCD checkout?)")
            return path.read_text(encoding="utf-8")
        try:
            return self._run("show", f"{self.commit}:{rel}")
        except BuildError as exc:
            raise BuildError(f"{self.root}: no {rel} at {self.commit}") from exc

    def json(self, rel: str) -> Any:
        try:
            return json.loads(self.read(rel))
        except json.JSONDecodeError as exc:
            raise BuildError(f"{rel}: not valid JSON: {exc}") from exc


# --- KB --------------------------------------------------------------------------------------


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def page_of(flow: str) -> str:
    """The kb/ path of a flow's page."""
    return f"{_slug(flow)}.md"


def flow_page(flow: str, spec: dict[str, Any]) -> str:
    """One flow of the guidelines as markdown: its subflows as sections, the text verbatim."""
    lines = [f"# {flow}", ""]
    if spec.get("description"):
        lines += [str(spec["description"]), ""]
    for name, sub in spec.get("subflows", {}).items():
        lines += [f"## {name}", ""]
        instructions = [str(t) for t in sub.get("instructions", [])]
        # the first instruction leads into the actions, the others (wrap-up, FAQ topics) follow
        if instructions:
            lines += [instructions[0], ""]
        for action in sub.get("actions", []):
            button = str(action.get("button", "")).strip()
            head = f"**{button}**: " if button and button != "N/A" else ""
            lines.append(f"- {head}{action.get('text', '')}")
            for sub_text in action.get("subtext", []):
                lines.append(f"  - {sub_text}")
        lines.append("")
        for text in instructions[1:]:
            lines += [text, ""]
    return "\n".join(lines).rstrip() + "\n"


def _flat(text: str) -> str:
    return " ".join(text.split()).lower()


# --- labels ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Label:
    decision: str
    trigger: str | None = None
    route: str | None = None
    flows: tuple[str, ...] = ()
    """Answer labels: the flows whose pages state the facts (the supporting docs)."""
    facts: tuple[str, ...] = ()
    at_turn: int | None = None
    """Escalations: the turn that asks (default: the last)."""
    names: tuple[str, ...] = ()
    """Extra strings the handoff must carry (a name the shopper typed)."""


def act(route: str | None, at: int | None = None, names: tuple[str, ...] = ()) -> Label:
    return Label("escalate", "account_action", route, at_turn=at, names=names)


def sensitive(route: str | None = "billing") -> Label:
    return Label("escalate", "sensitive", route)


def human(route: str | None = None) -> Label:
    return Label("escalate", "explicit", route)


def upset(route: str | None = None) -> Label:
    return Label("escalate", "sentiment", route)


def unknown() -> Label:
    return Label("escalate", "low_confidence", None)


def ans(flows: str | tuple[str, ...], *facts: str) -> Label:
    return Label("answer", flows=(flows,) if isinstance(flows, str) else flows, facts=facts)


@dataclass(frozen=True)
class Family:
    key: str
    flow: str
    subflows: str
    asks: list[tuple[str | tuple[str, ...], Label]] = field(default_factory=list)


PD, OI, AA, TS, MA = (
    "Product Defect",
    "Order Issue",
    "Account Access",
    "Troubleshoot Site",
    "Manage Account",
)
PDI, SI, SUB = "Purchase Dispute", "Shipping Issue", "Subscription Inquiry"

# The shoppers' messages, written for this set from each subflow's name, description and actions.
# fmt: off
FAMILIES: list[Family] = [
    Family(
        "returns",
        PD,
        "Return Due to Stain / Color / Size",
        [
            ("i need to return a shirt, it came with a big stain on the front. order 4830193725", act("orders")),
            ("Hi there! I ordered a pair of Calvin Klein jeans and the colour is nothing like the photo, way more orange than red. How do I send them back?", act("orders")),
            ("boots r too small. want to return", act("orders")),
            ("The jacket I got is two sizes too big?? I'd like to send it back please.", act("orders")),
            ("Good afternoon. I purchased a sweater last month and upon opening the package I found a stain on the sleeve. I would like to return it. My email is dana.whitfield@example.com.", act("orders")),
            ("ok so long story, I bought these boots for my daughter's birthday back in early october, she finally tried them on last weekend and they're a full size too small. I still have the box and everything. can we still return them? we're bronze members I think", act("orders")),
            (("hi", "I need to return a shirt that came stained"), act("orders")),
            (("How long do I have to return stuff as a guest?", "ok, then I'd like to return the jeans from order 6620193384 please"), act("orders", at=2)),
            ("how long do i have to return something? im a bronze member", ans(PD, "90 days")),
            ("What's the return window if I just check out as a guest?", ans(PD, "30 days")),
            ("As a silver member how far back can I return stuff?", ans(PD, "6 months")),
            ("Do gold members have a time limit on returns?", ans(PD, "unlimited returns")),
            (("Hello!", "what's the return window for silver members?"), ans(PD, "6 months")),
            ("I lost the receipt, can I still return something? I'm a bronze member and it's still in the original packaging", ans(PD, "original packaging")),
            ("what are my options for getting a return back to you? mail only?", ans(PD, "drop off center")),
            ("WHY do I need to give you my address for a return??", ans(PD, "shipping label")),
            ("Hola, quiero devolver unos pantalones porque me quedan grandes. Pedido 5927301846.", act("orders")),
            ("Bonjour, la chemise que j'ai reçue a une tache, je voudrais la retourner.", act("orders")),
            ("can I speak with an actual person about returning my jacket?", human("orders")),
        ],
    ),
    Family(
        "refunds",
        PD,
        "Initiate Refund / Update Refund / Refund Status",
        [
            ("I want a refund for the boots I bought, the sole came off after a week", act("billing")),
            ("can i add another item to the refund i already started? forgot the socks", act("billing")),
            ("Hey, checking in on my refund for order 7720418856, has it gone through yet?", act("billing")),
            ("My refund says in progress but I want it to go back to my credit card, not a gift card", act("billing")),
            ("refund pls. order 2209381174. item broke", act("billing")),
            ("I'd like to talk to a manager about my refund, this is the third time I'm asking", human("billing")),
            ("What ways can I get a refund? Does it have to be store credit?", ans(PD, "paper check")),
            ("do you guys do refunds by check? I don't have a credit card", ans(PD, "paper check")),
            ("Olá, quero pedir reembolso de uma jaqueta com defeito, pedido 6619203847", act("billing")),
            ("Hallo, wie ist der Stand meiner Rückerstattung? Bestellung 3391046672", act("billing")),
        ],
    ),
    Family(
        "order-charges",
        OI,
        "Status Mystery Fee / Status Quantity",
        [
            ("Why is there an extra $15 charge on my order? I didn't add anything", act("billing")),
            ("theres a fee on my order i dont recognise. what is it for??", act("billing")),
            ("My order total came out higher than the cart said at checkout. Order 9981203346. Can you take the extra charge off?", act("billing")),
            ("The confirmation email says I ordered 3 shirts but I only ordered one. Please fix it before it ships!", act("orders")),
            ("email says qty 2 on the jeans, I only wanted 1. was I charged for both?", act("billing")),
            ("This is ridiculous, you slapped a surprise fee on my order and nobody can explain it. Remove it or I'm disputing the charge with my bank.", sensitive()),
            ("Me cobraron un cargo extra que no entiendo en mi pedido 7183920465", act("billing")),
            ("Hi, I think I was overcharged on my last order, could someone look at it? Thanks so much.", act("billing")),
        ],
    ),
    Family(
        "order-details",
        OI,
        "Status Delivery Time / Status Payment Method",
        [
            ("Can my delivery come in the evening instead of the morning? Nobody's home before 5", act("orders")),
            ("The delivery window on my order says morning, that's wrong, I picked evening.", act("orders")),
            ("I paid with the wrong card, can I switch my order to PayPal?", act("billing")),
            ("I want to change the payment method on order 4401928837 to my debit card", act("billing")),
            ("what payment methods do you take?", ans((OI, MA), "paypal")),
            ("can I pay with a debit card or only credit cards?", ans((OI, MA), "debit card")),
            ("if my order is already out for delivery can i still change how i paid for it?", ans(OI, "future orders")),
            ("Bonjour, je voudrais payer ma commande avec PayPal au lieu de ma carte.", act("billing")),
        ],
    ),
    Family(
        "order-changes",
        OI,
        "Manage Upgrade / Manage Downgrade / Manage Create / Manage Cancel",
        [
            ("Can I upgrade my order to overnight shipping? need it for a wedding saturday", act("orders")),
            ("how much does it cost to upgrade to overnight shipping?", ans(OI, "$20")),
            ("Is the overnight shipping fee waived for gold members?", ans(OI, "waived")),
            ("can I still upgrade to overnight if the order already shipped?", ans(OI, "too late")),
            ("I don't need my order fast, can you push it to next week so I don't pay the shipping fee?", act("orders")),
            ("pls add a belt to my order 5518203394 before it ships", act("orders")),
            ("I forgot to add socks to my order, can you add them on? Same address.", act("orders")),
            ("I accidentally ordered the same sweater twice, please cancel one", act("orders")),
            ("cancel order 8820193375 now", act("orders")),
            ("Oi, quero cancelar um dos itens do meu pedido, comprei dois sem querer", act("orders")),
            ("Können Sie meine Bestellung auf Expressversand über Nacht umstellen? Bestellnummer 2281930045", act("orders")),
        ],
    ),
    Family(
        "account-access",
        AA,
        "Recover Username / Recover Password / Reset Two-Factor Auth",
        [
            ("forgot my username", act("technical")),
            ("I can't remember my password and the reset email never arrives. Can you help me get back into my account?", act("technical")),
            ("can you just tell me what my password is? account is under jmorales@example.com", act("technical")),
            ("my two factor code isn't coming to my phone anymore, I got a new number. how do I reset 2FA?", act("technical")),
            ("locked out of my account, the 2-step verification keeps failing", act("technical")),
            ("Hi! I'm trying to log in but I don't know which username I signed up with. My name is Priya Natarajan.", act("technical", names=("Priya Natarajan",))),
            ("No puedo entrar a mi cuenta, olvidé la contraseña", act("technical")),
            ("J'ai oublié mon nom d'utilisateur, pouvez-vous m'aider ?", act("technical")),
            ("someone changed my password and I can't get in, I think my account was hacked", sensitive(None)),
            ("I need a real agent, I'm locked out of my account and the bot links aren't helping", human("technical")),
        ],
    ),
    Family(
        "site-problems",
        TS,
        "Invalid Credit Card / Cart Not Updating / Search Not Working / Website Too Slow",
        [
            ("my credit card keeps getting declined at checkout and it's a valid card!", ans(TS, "expiration date")),
            ("Card rejected as invalid every time I try to pay. What should I do?", ans(TS, "log out")),
            ("Items won't go into my cart. I click add and nothing happens", ans(TS, "refresh")),
            ("shopping cart not updating???", ans(TS, "log out")),
            ("Search says 'no results found' for literally everything, even 'shirt'", ans(TS, "cookies")),
            ("the search bar on your site is broken", ans(TS, "cookies")),
            ("Your website is so slow it's unusable, pages take a minute to load", ans(TS, "tabs")),
            ("site is crawling. is it just me?", ans(TS, "another website")),
            ("Can you place the order for me over chat? my card won't go through on the website", act(None)),
            ("This is the fourth time your checkout has rejected my card. I'm done with this garbage site.", upset()),
        ],
    ),
    Family(
        "account-services",
        MA,
        "Status Service Added / Service Removed / Shipping Question / Credit Missing",
        [
            ("There's a service on my account I never signed up for. Please remove it.", act("billing")),
            ("my wife says we're being charged for some add-on service now? i never added anything", act("billing")),
            ("I got an email saying a protection plan was added to my account, is that real? I didn't ask for it", act("billing")),
            ("My premium service disappeared from my plan and I didn't cancel it. Can you put it back?", act("billing")),
            ("Does my account get free international shipping?", act("orders")),
            ("I had $40 of credit on my account and now it's gone", act("billing")),
            ("The credit from my last refund isn't showing in my account balance", act("billing")),
            ("Minha conta perdeu o crédito da promoção que recebi", act("billing")),
            ("I'd rather sort this out with a staff member than a chatbot: my account credit is wrong", human("billing")),
        ],
    ),
    Family(
        "profile-changes",
        MA,
        "Manage Change Address / Change Name / Change Phone / Payment Method",
        [
            ("I moved, need to update the address on my account", act("orders")),
            ("Please change the address on my account to 7742 Birch Lane", act("orders")),
            ("can u update my phone number? new one is (415) 555-0182", act(None)),
            ("I got married and need to change my last name on the account", act(None)),
            ("The name on my account is spelled wrong, it's Katherine not Catherine", act(None)),
            ("I'd like to change the card on my account to PayPal", act("billing")),
            ("update payment method to debit card please", act("billing")),
            ("Necesito cambiar mi número de teléfono en la cuenta", act(None)),
            ("Ich möchte meine Adresse im Kundenkonto ändern.", act("orders")),
        ],
    ),
    Family(
        "price-disputes",
        PDI,
        "Bad Price Competitor / Bad Price Yesterday",
        [
            ("I bought a jacket yesterday for $120 and today it's $90. Can I get the difference back?", act("billing")),
            ("Found the same boots $30 cheaper at another store. Will you match it on my order?", act("billing")),
            ("do you guys do price matching with other stores?", unknown()),
            ("Competitor has this shirt for less. order 6652019938. refund the difference pls", act("billing")),
            ("J'ai payé 80 € hier et le prix est passé à 60 € aujourd'hui, pouvez-vous me rembourser la différence ?", act("billing")),
            ("honestly I feel ripped off, the price dropped the day after I ordered and now I look like an idiot for paying full price", upset()),
        ],
    ),
    Family(
        "stock",
        PDI,
        "Out-of-Stock General / Out-of-Stock One Item",
        [
            ("The boots I want have been out of stock for weeks. When are they coming back?", unknown()),
            ("Can I back-order a sweater that's sold out?", ans(PDI, "back-order")),
            ("why is half your store out of stock", unknown()),
            ("The sweater in my order 3378201954 is out of stock now?? when will my order arrive", act("orders")),
            ("I'm sick of your constant stock-outs. Unacceptable for a store this size.", upset()),
            ("¿Cuándo vuelven a tener stock de las botas negras?", unknown()),
        ],
    ),
    Family(
        "promo-codes",
        PDI,
        "Promo Code Invalid / Promo Code Out of Date",
        [
            ("my promo code isn't working at checkout", act("billing")),
            ("Code SAVE20 says invalid. I literally got it in an email today.", act("billing")),
            ("Promo code expired?? I only got it last week", act("billing")),
            ("How long are promo codes good for?", ans(PDI, "7 days")),
            ("do promo codes expire?", ans(PDI, "7 days")),
            (("hey there", "my promo code won't work"), act("billing")),
            ("Meu cupom de desconto diz que é inválido", act("billing")),
            ("Der Gutscheincode funktioniert nicht, was kann ich tun?", act("billing")),
            ("Your promo codes never work. Let me talk to someone real.", human("billing")),
            ("Kann ich bitte mit einem Mitarbeiter sprechen? Es geht um eine Abbuchung.", human("billing")),
        ],
    ),
    Family(
        "billing-mistakes",
        PDI,
        "Mistimed Billing Already Returned / Never Bought",
        [
            ("I returned the dress 3 weeks ago and still haven't gotten my credit", act("billing")),
            ("where's my money?? sent the boots back ages ago, tracking says you got them", act("billing")),
            ("returned item 10 days ago, refund still not on my card. order 3320918847", act("billing")),
            ("Devolví el pedido hace dos semanas y todavía no me han devuelto el dinero", act("billing")),
            ("I'm being billed for an order I never placed.", sensitive()),
            ("There's a charge from you on my statement but I never bought anything from your store", sensitive()),
            ("Someone used my card on your site, I didn't make this purchase. Order 5530192284", sensitive()),
            ("If you don't refund this charge for something I never bought I'm filing a chargeback", sensitive()),
        ],
    ),
    Family(
        "shipping",
        SI,
        "Shipping Status / Manage Shipping / Missing Item / Shipping Cost",
        [
            ("I got an email saying my package was delayed, is it still coming this week? order 1182930476", act("orders")),
            ("Email says my order is going to an old address?? Is that right?", act("orders")),
            ("wheres my order?? it's been a while", act("orders")),
            ("Need to change the address for my shipment, I typed the wrong apartment number", act("orders")),
            ("I ordered the wrong size, can I change the item before it ships?", act("orders")),
            ("my package says delivered but it's not here", act("orders")),
            ("It's been 10 days and my order still hasn't shown up", act("orders")),
            ("Shipping was way too expensive on my order, can you waive the fee?", act("billing")),
            ("How much is standard shipping?", ans(SI, "$8.00")),
            ("when a package says delivered but isn't there, should I wait a bit before reporting it?", ans(SI, "mistakenly marked as delivered")),
            ("Où est ma commande ? Numéro 4419203381", act("orders")),
            ("Meu pacote consta como entregue mas não recebi nada", act("orders")),
            ("I want to talk to a human about my missing package.", human("orders")),
            ("operator. order 7730192846, just get me a person", human("orders")),
        ],
    ),
    Family(
        "subscription",
        SUB,
        "Status Active / Due Amount / Due Date / Manage Pay Bill / Extension / Dispute Bill",
        [
            ("is my subscription still active? not sure my payment went through", act("billing")),
            ("How much do I owe on my premium subscription?", act("billing")),
            ("when is my subscription renewal date", act("billing")),
            ("I want to pay my subscription bill", act("billing")),
            ("Renew my premium membership please. Card on file is fine.", act("billing")),
            ("I can't pay my subscription this month, can I get an extension?", act("billing")),
            ("I'm a day late on my subscription payment, please don't cancel it. Can you give me a bit more time?", act("billing")),
            ("I was billed twice for my subscription this month!", act("billing")),
            ("How much is the premium subscription?", ans(SUB, "$99 a year")),
            ("what does premium cost per year", ans(SUB, "$99")),
            ("Ich wurde für mein Abo doppelt belastet.", act("billing")),
            ("¿Cuándo vence el pago de mi suscripción?", act("billing")),
            ("Please connect me to a representative regarding my subscription bill.", human("billing")),
            ("pls cancel my premium subscription, not using it anymore", act("billing")),
        ],
    ),
    Family(
        "item-questions",
        "Single-Item Query",
        "Boots FAQ / Shirt FAQ / Jeans FAQ / Jacket FAQ",
        [
            ("how do I get a paint stain out of suede boots?", unknown()),
            ("are the boots waterproof", unknown()),
            ("What colour are the laces on the boots?", unknown()),
            ("got gum stuck on the bottom of my boots lol how do i get it off", unknown()),
            ("do the shirts shrink in the wash?", unknown()),
            ("What's the arm length on the medium shirt?", unknown()),
            ("how much does it cost to get jeans tailored", unknown()),
            ("do the jeans come in black or just dark blue?", unknown()),
            ("How do I detach the hood on the jacket?", unknown()),
            ("is the jacket warm enough for a Chicago winter", unknown()),
            ("Can the jacket go in the washer or is it dry-clean only?", unknown()),
            ("Comment enlever une tache de vin sur la veste ?", unknown()),
        ],
    ),
    Family(
        "store-questions",
        "Storewide Query",
        "Pricing FAQ / Membership FAQ / Timing FAQ / Policy FAQ",
        [
            ("How much is gift wrapping?", unknown()),
            ("Can you stitch my name on a shirt? how much?", unknown()),
            ("Does my cart qualify for free shipping?", unknown()),
            ("What are the membership levels?", ans((PD, SUB), "bronze")),
            ("How do I qualify for premium membership?", unknown()),
            ("how long does a membership last", unknown()),
            ("When does the spring collection drop?", unknown()),
            ("what time does the local store open", unknown()),
            ("When's the annual sale this year?", unknown()),
            ("what's the return policy at your store?", ans(PD, "90 days")),
            ("Quais são os níveis de associação de vocês?", ans((PD, SUB), "gold")),
            ("is there a human I can chat with instead?", human()),
            ("Quiero hablar con una persona, por favor", human()),
        ],
    ),
]
# fmt: on

# The sample conversations' subflows (data/abcd_sample.json "scenario"): the label of their start.
SAMPLE_LABELS: dict[tuple[str, str], Label] = {
    ("product_defect", "return_size"): act("orders"),
    ("product_defect", "refund_status"): act("billing"),
    ("storewide_query", "timing_4"): ans(PDI, "7 days"),  # "when do promo codes expire?"
}


# --- cases -------------------------------------------------------------------------------------

_ORDER = re.compile(r"#?\b(\d{6,})\b")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _h(text: str) -> int:
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:12], 16)


def said_before(turns: Sequence[str], upto: int) -> list[str]:
    """Order numbers and emails the shopper typed in the first ``upto`` turns."""
    found: list[str] = []
    for turn in turns[:upto]:
        for item in [m.group(1) for m in _ORDER.finditer(turn)] + _EMAIL.findall(turn):
            if item not in found:
                found.append(item)
    return found


def make_case(
    case_id: str, turns: Sequence[str], label: Label, kb: dict[str, str], topic: str, notes: str
) -> dict[str, Any]:
    expect: dict[str, Any] = {
        "decision": label.decision,
        "escalate_at_turn": None,
        "trigger": label.trigger,
        "route": label.route,
        "answer_must_contain": [],
        "answer_must_not_contain": [],
        "supporting_docs": [],
        "handoff_must_include": [],
    }
    if label.decision == "escalate":
        at = label.at_turn or len(turns)
        if not 1 <= at <= len(turns):
            raise BuildError(f"{case_id}: escalate_at_turn {at} is not one of its turns")
        expect["escalate_at_turn"] = at
        expect["handoff_must_include"] = said_before(turns, at) + list(label.names)
    else:
        docs = [page_of(f) for f in label.flows]
        for doc in docs:
            if doc not in kb:
                raise BuildError(f"{case_id}: the guidelines have no flow page {doc}")
        for fact in label.facts:
            if not any(_flat(fact) in _flat(kb[d]) for d in docs):
                raise BuildError(f"{case_id}: {fact!r} is in none of {docs}")
        expect["answer_must_contain"] = list(label.facts)
        expect["answer_must_not_contain"] = list(INTERNAL)
        expect["supporting_docs"] = docs
    return {
        "id": case_id,
        "vertical": "apparel",
        "customer": {},
        "agents_online": True,
        "turns": list(turns),
        "expect": expect,
        "topic": topic,
        "notes": notes,
    }


def written_cases(families: Sequence[Family], kb: dict[str, str]) -> list[dict[str, Any]]:
    cases = []
    for fam in families:
        for n, (turns, label) in enumerate(fam.asks, start=1):
            seq = (turns,) if isinstance(turns, str) else turns
            cases.append(
                make_case(
                    f"{SET_NAME}-{fam.key}-{n:02d}",
                    seq,
                    label,
                    kb,
                    topic=fam.key,
                    notes=f"Written for this set from ABCD's {fam.flow} / {fam.subflows} guidelines.",
                )
            )
    return cases


def opening(conversation: list[list[str]]) -> list[str]:
    """The shopper's first turns: up to their first message of four words or more, and the
    shopper messages sent right after it, before the agent answers."""
    turns: list[str] = []
    asked = False
    for speaker, text in conversation:
        if speaker != "customer":
            if asked:
                break
            continue
        turns.append(text)
        asked = asked or len(text.split()) >= 4
    if not asked:
        return []
    return turns


def sample_cases(
    samples: list[dict[str, Any]], labels: dict[tuple[str, str], Label], kb: dict[str, str]
) -> list[dict[str, Any]]:
    cases = []
    for convo in samples:
        scenario = convo.get("scenario", {})
        key = (str(scenario.get("flow")), str(scenario.get("subflow")))
        if key not in labels:
            raise BuildError(f"{SAMPLES}: conversation {convo.get('convo_id')}: no label for {key}")
        turns = opening(convo.get("original", []))
        if not turns:
            raise BuildError(f"{SAMPLES}: conversation {convo.get('convo_id')}: no shopper request")
        label = labels[key]
        if label.decision == "escalate" and label.at_turn is None:
            # the handoff is due at the turn that asks, not at a later aside
            asks = next(i for i, t in enumerate(turns, 1) if len(t.split()) >= 4)
            label = Label(label.decision, label.trigger, label.route, at_turn=asks)
        cases.append(
            make_case(
                f"{SET_NAME}-sample-{convo.get('convo_id')}",
                turns,
                label,
                kb,
                topic=f"sample-{key[0]}",
                notes=f"ABCD data/abcd_sample.json conversation {convo.get('convo_id')} "
                f"({key[0]} / {key[1]}): the shopper's first turns, verbatim.",
            )
        )
    return cases


# --- build and write ---------------------------------------------------------------------------


@dataclass
class Built:
    kb: dict[str, str] = field(default_factory=dict)
    cases: list[dict[str, Any]] = field(default_factory=list)
    licence: str = ""
    commit: str = "unknown"


def build(
    source: Source,
    families: Sequence[Family] = FAMILIES,
    sample_labels: dict[tuple[str, str], Label] | None = None,
) -> Built:
    guidelines = source.json(GUIDELINES)
    if not isinstance(guidelines, dict) or not guidelines:
        raise BuildError(f"{GUIDELINES}: expected an object of flows")
    built = Built(commit=source.commit)
    for flow, spec in guidelines.items():
        built.kb[page_of(flow)] = flow_page(flow, spec)
    for trap in INTERNAL:
        if not any(_flat(trap) in _flat(page) for page in built.kb.values()):
            raise BuildError(f"{GUIDELINES}: no longer says {trap!r} (an agent-only marker)")
    for fam in families:
        if page_of(fam.flow) not in built.kb:
            raise BuildError(f"{GUIDELINES}: no flow {fam.flow!r} (family {fam.key})")
    built.cases = written_cases(families, built.kb)
    built.cases += sample_cases(
        source.json(SAMPLES), SAMPLE_LABELS if sample_labels is None else sample_labels, built.kb
    )
    ids = [c["id"] for c in built.cases]
    if len(ids) != len(set(ids)):
        raise BuildError("duplicate case ids")
    built.licence = source.read(LICENSE)
    if "MIT License" not in built.licence or "ASAPP" not in built.licence:
        raise BuildError(f"{LICENSE}: not the MIT licence (ASAPP Research) this builder expects")
    return built


def split_of(case_id: str) -> str:
    return "dev" if _h("split:" + case_id) % 2 == 0 else "test"


SET_TOML = """\
name = "{name}"
split = "{split}"
description = \"\"\"Built by evals/build_abcd_set.py from asappresearch/abcd (MIT licence, \
Copyright (c) 2021 ASAPP Research; commit {commit}): its agent guidelines for an online clothing \
store (an agent-facing wiki, verbatim) as the KB; shoppers' opening messages written for this set \
from each subflow plus the first turns of ABCD's three sample conversations. Account actions, \
disputes and requests for a person: escalate; questions the guidelines answer for a shopper: \
answer; questions they do not answer: escalate. The {split} half of a hash split: the dev half \
is tuned on; the test half is only measured, never used for tuning.\"\"\"
vertical = "apparel"
"""


def write(built: Built, out: Path) -> dict[str, int]:
    counts = {}
    for split in ("dev", "test"):
        target = out / f"{SET_NAME}-{split}"
        if target.is_symlink() or target.is_file():
            target.unlink()
        elif target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        if split == "dev":
            for rel, text in built.kb.items():
                path = target / "kb" / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
        else:  # one KB for both halves, as tau-retail-test links tau-retail-dev's
            (target / "kb").symlink_to(f"../{SET_NAME}-dev/kb", target_is_directory=True)
        (target / "LICENSE-abcd.txt").write_text(built.licence, encoding="utf-8")
        cases = [c for c in built.cases if split_of(c["id"]) == split]
        (target / "cases.jsonl").write_text(
            "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), encoding="utf-8"
        )
        (target / "set.toml").write_text(
            SET_TOML.format(name=f"{SET_NAME}-{split}", split=split, commit=built.commit),
            encoding="utf-8",
        )
        counts[split] = len(cases)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "source", type=Path, help="a local ABCD checkout, or a git directory (mirror) of it"
    )
    parser.add_argument(
        "--commit",
        default=None,
        help="the commit: read from it in a git directory (default HEAD); recorded for a checkout",
    )
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "sets")
    args = parser.parse_args(argv)
    try:
        built = build(Source(args.source, args.commit))
        counts = write(built, args.out)
    except BuildError as exc:
        parser.error(str(exc))
    print(f"{SET_NAME}: dev {counts['dev']} cases, test {counts['test']} cases -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
