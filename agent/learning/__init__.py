"""The feedback loop: a human agent's resolution becomes a proposed learned answer.

Building blocks, each in its own module:

- :mod:`agent.learning.privacy`: remove personal data from a proposal before it
  is stored (``KnownPersonal``, ``scrub``); its generic detectors live in
  :mod:`agent.learning.pii_patterns`.
- :mod:`agent.learning.injection`: flag instructions aimed at the bot
  (``instructions_to_bot``).
"""
