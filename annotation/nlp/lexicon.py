"""Word lists for the quotation rules. Lemmas, lower case.

Reporting verbs: checked member by member against VerbNet 3's "say" (37.7, with its
subclasses) and "complain" (37.8) classes, plus the "tell"/"advise"/"inquire" verbs news uses
for speech, manner-of-speaking verbs, and the cognition-free "statement" verbs of the Gender
Gap Tracker lexicon; the last row adds what news uses beside them (underline, highlight,
reassure, swear; "snapped", "scoffed", "sighed" after a direct quote). Belief verbs (think, believe) are left out: they report a stance, not
speech; so are estimate and forecast, which report a figure ("traders estimate OPEC is
producing ..."), not what someone said. Naming verbs (VerbNet's dub-29.3 and characterize-29.2: call, dub, describe as) are a
list of their own: they report speech only with quoted words or an "as" phrase, and only for
one identifiable speaker, so `call them ‘useful idiots’` stays a scare quote.
"""
from __future__ import annotations

SAY_VERBS = frozenset("""
say tell add announce articulate blurt claim confess confide convey declare disclose divulge
explain hint mention note observe proclaim propose recount remark repeat report reveal state
suggest write complain boast brag grumble grouse moan protest object lament
ask answer reply respond retort warn insist argue admit acknowledge concede confirm deny
predict promise urge recall testify tweet post comment conclude emphasize emphasise stress
assert contend maintain allege describe point caution reiterate affirm vow pledge
advise inform assure remind question wonder demand recommend
continue quip joke exclaim shout yell scream whisper mutter murmur cry sing
express voice indicate outline elaborate clarify counter rebut dispute
insinuate intimate promulgate utter blab relate crab gripe grouch kvetch charge echo reason
plead beg
underline underscore highlight reassure inquire enquire swear snap scoff sigh gush enthuse muse
speculate theorize theorise disagree reaffirm restate rejoin
""".split())

# VerbNet dub-29.3 / characterize-29.2 verbs: "called the plan "daylight robbery"",
# "described the crash as "entirely avoidable"", "characterized homeopathy as quackery".
NAMING_VERBS = frozenset("call dub label brand term describe characterize characterise portray depict".split())

# "The post read: ...", "the statement read": "read" reports only when someone's message is its
# subject ("the sign read ..." is an inscription, left out).
TEXT_NOUNS = frozenset("statement letter message note post tweet email release communique memo blog".split())

# Verbs that report speech only with a complement clause, never as the cue of a direct quote
# on their own ("continue", "point" need "out", "express" needs a that-clause noun).
NEEDS_CLAUSE = frozenset("continue point express voice indicate describe question relate charge echo plead beg".split())

# "expressed his confidence that ...", "voiced concern that ...": the noun carries the clause.
CLAUSE_NOUNS = frozenset("""
confidence hope concern belief fear view opinion claim statement assurance warning worry
doubt conviction expectation suspicion position argument certainty optimism regret disappointment
report rumour rumor allegation suggestion speculation
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
# the last word of a company's or a body's own name: "Liebert Corp", "Salomon Brothers Inc"
ORG_ENDINGS = frozenset("""
inc corp corporation co company ltd limited plc llc lp ag sa nv bv gmbh spa group holdings partners
partnership bancorp bancshares industries enterprises holding
bank trust fund association institute authority agency
""".split())
GENERIC_NOUNS = frozenset("""
people officials experts critics residents witnesses analysts observers sources reports
scientists researchers studies others many some users fans students parents
""".split())

PERSON_PRONOUNS = frozenset("he she him her his".split())  # "his": "in his view, ..."
GROUP_PRONOUNS = frozenset("they them".split())
THING_PRONOUNS = frozenset("it".split())
FIRST_PERSON = frozenset("i we me us".split())

SPEAKER_LABELS = frozenset("PERSON ORG GPE NORP".split())

# Subjects that are not speakers: "Estimates suggest ...", "Results show ...".
NON_SPEAKERS = frozenset("""
estimate figure datum data result study poll survey evidence research analysis statistic number
record document photo image video review inquiry
""".split())

# "X's statement added": the possessor is the speaker. (Not "Trump's advisers": other people.)
STATEMENT_NOUNS = frozenset("""
statement letter message note report tweet post email release account website blog spokesman
spokeswoman spokesperson office communique press
""".split())

# "in her words, ...", "in the words of X", "in his view, ...": the noun under "in" that attributes
# what follows (an opinion so attributed is as much the speaker's as their words).
WORDS_NOUNS = ("words", "view", "opinion")

# "Russia's announcement that it will help Iran ...": a speech act named by a noun, with its
# speaker as the possessor and its content as a that-clause (beliefs and hopes are not speech).
SPEECH_NOUNS = frozenset("""
announcement statement claim assertion warning promise pledge admission allegation insistence
assurance denial declaration prediction remark comment suggestion vow
""".split())

# Directive verbs whose infinitive complement is reported speech: "asked them not to ...".
DIRECTIVE_VERBS = frozenset("ask urge tell warn advise instruct order request encourage implore plead beg".split())

# Documents that report findings: "The results of the study revealed that ..." is a report
# (speaker: the study), "Figures suggest ..." is not anyone's speech. Only with these verbs.
DOCUMENT_SUBJECTS = frozenset("study result analysis research survey poll document report record review inquiry".split())
DOCUMENT_VERBS = frozenset("say state reveal conclude report note warn claim add".split())

# Who a he/she can be: gendered nouns and titles beside a name.
MALE_WORDS = frozenset("""
he him his mr sir man boy father son husband brother king prince actor spokesman chairman
congressman businessman grandfather uncle nephew
""".split())
FEMALE_WORDS = frozenset("""
she her hers ms mrs miss madam woman girl mother daughter wife sister queen princess actress
spokeswoman chairwoman congresswoman businesswoman grandmother aunt niece
""".split())

# Descriptions that stand for one person named nearby ("the minister said"). Other nouns
# ("one poster", "a reader") are left unresolved rather than pinned on the nearest name.
ROLE_NOUNS = frozenset("""
minister president spokesman spokeswoman spokesperson official director chief secretary chairman
chairwoman chair leader governor mayor senator congressman congresswoman representative coach
manager prosecutor lawyer attorney judge professor doctor researcher scientist author chef owner
founder executive officer commissioner ambassador adviser advisor councillor councilor premier
chancellor king queen prince princess pope captain general commander curator editor skipper
actor actress singer player striker goalkeeper star candidate lawmaker head deputy envoy member
treasurer administrator inspector superintendent sheriff
man woman boy girl father mother husband wife son daughter
""".split())

# People described by what happened to them or what they do, not by a title: they stand for a
# person only when that person is what the sentence before is about ("Kim Yoo-jin defected in
# 2019. The defector told reporters ..."), never for whoever spoke last.
PERSON_NOUNS = frozenset("""
defector victim witness survivor suspect driver pilot nurse teacher student farmer worker soldier
activist protester veteran refugee migrant patient passenger labourer laborer fisherman journalist
reporter photographer artist writer musician athlete champion winner runner climber designer
engineer scientist economist analyst pensioner resident neighbour neighbor teenager youngster
""".split())
