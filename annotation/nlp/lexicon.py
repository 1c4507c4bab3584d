"""Word lists for the quotation rules. Lemmas, lower case.

Reporting verbs: VerbNet's "say" (37.7) and "complain" (37.8) classes, the "tell"/"advise"
verbs news uses for speech, and the cognition-free "statement" verbs of the Gender Gap
Tracker lexicon. Belief verbs (think, believe) are left out: they report a stance, not speech.
Naming verbs (call, dub, describe as) are left out too, so `call them ‘useful idiots’` stays a
scare quote.
"""
from __future__ import annotations

SAY_VERBS = frozenset("""
say tell add announce articulate blurt claim confess confide convey declare disclose divulge
explain hint mention note observe proclaim propose recount remark repeat report reveal state
suggest write complain boast brag grumble grouse moan protest object lament
ask answer reply respond retort warn insist argue admit acknowledge concede confirm deny
predict promise urge recall testify tweet post comment conclude emphasize emphasise stress
assert contend maintain allege describe point caution reiterate affirm vow pledge
estimate forecast advise inform assure remind question wonder demand recommend
continue quip joke exclaim shout yell scream whisper mutter murmur cry sing
express voice indicate outline elaborate clarify counter rebut dispute
""".split())

# Verbs that report speech only with a complement clause, never as the cue of a direct quote
# on their own ("continue", "point" need "out", "express" needs a that-clause noun).
NEEDS_CLAUSE = frozenset("continue point express voice indicate describe question".split())

# "expressed his confidence that ...", "voiced concern that ...": the noun carries the clause.
CLAUSE_NOUNS = frozenset("""
confidence hope concern belief fear view opinion claim statement assurance warning worry
doubt conviction expectation suspicion position argument
""".split())

# A SOURCE whose head noun is one of these is a description of an organisation.
ORG_NOUNS = frozenset("""
company firm government ministry department agency office police court council committee
party group organisation organization association union university school institute
embassy commission board authority authorities administration campaign bank network
newspaper station team club army military navy church hospital kremlin parliament senate
congress service website site paper magazine channel broadcaster
""".split())

# Plural or generic descriptions are not one identifiable speaker: no coref for them.
GENERIC_NOUNS = frozenset("""
people officials experts critics residents witnesses analysts observers sources reports
scientists researchers studies others many some users fans students parents
""".split())

PERSON_PRONOUNS = frozenset("he she him her".split())
GROUP_PRONOUNS = frozenset("they them".split())
THING_PRONOUNS = frozenset("it".split())
FIRST_PERSON = frozenset("i we me us".split())

SPEAKER_LABELS = frozenset("PERSON ORG GPE NORP".split())

# Subjects that are not speakers: "Estimates suggest ...", "Results show ...".
NON_SPEAKERS = frozenset("""
estimate figure datum data result study poll survey evidence research analysis statistic number
record document photo image video
""".split())

# "X's statement added": the possessor is the speaker. (Not "Trump's advisers": other people.)
STATEMENT_NOUNS = frozenset("""
statement letter message note report tweet post email release account website blog spokesman
spokeswoman spokesperson office communique press
""".split())

# Directive verbs whose infinitive complement is reported speech: "asked them not to ...".
DIRECTIVE_VERBS = frozenset("ask urge tell warn advise instruct order request encourage implore".split())

# Descriptions that stand for one person named nearby ("the minister said"). Other nouns
# ("one poster", "a reader") are left unresolved rather than pinned on the nearest name.
ROLE_NOUNS = frozenset("""
minister president spokesman spokeswoman spokesperson official director chief secretary chairman
chairwoman chair leader governor mayor senator congressman congresswoman representative coach
manager prosecutor lawyer attorney judge professor doctor researcher scientist author chef owner
founder executive officer commissioner ambassador adviser advisor councillor councilor premier
chancellor king queen prince princess pope captain general commander curator editor skipper
actor actress singer player striker goalkeeper star candidate lawmaker head deputy envoy
man woman boy girl father mother husband wife son daughter
""".split())
