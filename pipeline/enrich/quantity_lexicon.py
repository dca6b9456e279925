"""Word lists the quantity rules read. Lemmas (spaCy's) unless said otherwise.

Kept apart from the rules so a reader can audit what decides a category.
"""

from __future__ import annotations

PEOPLE_CATEGORIES = ("killed", "wounded", "missing", "detained", "kidnapped", "displaced", "troops")

# Lemma (or lower-cased form, for adjectives the lemmatizer leaves alone) -> category.
# These are the words that decide the category of a count ("trigger").
EVENT_TRIGGERS: dict[str, str] = {
    # killed
    "kill": "killed", "killed": "killed", "killing": "killed", "die": "killed", "dead": "killed", "death": "killed",
    "fatality": "killed", "fatalities": "killed", "slay": "killed", "slain": "killed", "murder": "killed",
    "execute": "killed", "behead": "killed", "massacre": "killed", "perish": "killed", "toll": "killed",
    "assassinate": "killed", "drown": "killed", "lose": "killed", "body": "killed",  # "14 bodies were recovered"  # "lost their lives" (checked below)
    # wounded
    "wound": "wounded", "wounded": "wounded", "injure": "wounded", "injured": "wounded", "hurt": "wounded",
    "injury": "wounded", "hospitalize": "wounded", "hospitalise": "wounded", "harm": "wounded",
    # missing
    "missing": "missing", "unaccounted": "missing", "disappear": "missing",
    # detained
    "arrest": "detained", "detain": "detained", "capture": "detained", "apprehend": "detained",
    "hold": "detained", "held": "detained", "jail": "detained", "imprison": "detained", "detention": "detained",
    "custody": "detained", "detainee": "detained",
    # kidnapped
    "kidnap": "kidnapped", "abduct": "kidnapped", "hostage": "kidnapped", "kidnapping": "kidnapped",
    "abduction": "kidnapped",
    # displaced
    "displace": "displaced", "displaced": "displaced", "flee": "displaced", "evacuate": "displaced",
    "refugee": "displaced", "homeless": "displaced", "evacuee": "displaced",
    # troops
    "deploy": "troops", "dispatch": "troops",  # stationed, based, garrisoned: a standing strength
}
# Nouns naming the counted people and deciding the category on their own ("300 refugees").
NOUN_TRIGGERS = frozenset({
    "death", "fatality", "fatalities", "injury", "detainee", "hostage", "refugee", "evacuee", "dead",
    "wounded", "injured", "arrest", "abduction", "kidnapping", "detention", "toll", "body",
})
# "was killed", "were reported dead", "have been taken into custody", "are still missing".
PASSIVE_HELPERS = frozenset({
    "be", "is", "are", "was", "were", "been", "being", "have", "has", "had", "get", "got", "gotten", "reportedly",
    "also", "all", "later", "confirm", "confirmed", "report", "reported", "believe", "believed", "say", "said",
    "think", "thought", "allegedly", "subsequently", "eventually", "both", "each", "now", "still", "remain",
    "remained", "remains", "left", "leave", "go", "went", "take", "taken", "into", "in", "under", "to", "later",
    "who", "that", "which", "apparently", "presumed", "presume", "feared", "fear", "either", "initially",
    "immediately", "then", "since", "shot", "found", "find", "just", "reportedly", "allegedly", "already",
    "were", "not", "n't", "never", "pronounced", "pronounce", "declared", "declare", "could", "would", "might", "may", "can", "will", "should", "must", "later",
})
# Words between a pre-verb trigger and its number: "killed at least", "arrested a total of".
PRE_SKIP = frozenset({
    "the", "a", "an", "total", "of", "also", "reportedly", "allegedly", "only", "all", "another", "some",
    "at", "least", "just", "as", "many", "much", "well", "to", "now", "has", "have", "had", "is", "was", "were",
    "be", "been", "stand", "stood", "stands", "reach", "reached", "rise", "rose", "risen", "climb", "climbed",
    "increase", "increased", "jump", "jumped", "hit", "grow", "grew", "mount", "mounted", "soar", "soared",
    "put", "raise", "raised", "revise", "revised", "their", "its", "his", "her", "our", "total", "number",
    "approximately", "about", "around", "roughly", "nearly", "almost", "estimated", "over", "more", "than",
    "up", "some", "least", "fewer", "less", "no", "successfully", "subsequently", "eventually", "then",
})
UPDATE_WORDS = frozenset({
    "rise", "rose", "risen", "climb", "climbed", "increase", "increased", "jump", "jumped", "mount", "mounted",
    "soar", "soared", "grow", "grew", "reach", "reached", "revise", "revised", "raise", "raised", "now",
    "correct", "corrected", "lower", "lowered", "update", "updated",
})
SUBSET_WORDS = frozenset({"including", "among", "include", "includes", "included"})
# Words that make a count additional to one already given ("three other insurgents").
ADDITIVE_WORDS = frozenset({"other", "others", "additional", "another", "more", "further", "separate", "elsewhere",
                            "meanwhile"})

MODALS = frozenset({"could", "would", "might", "may", "can", "should", "will", "must", "'d", "shall"})
HYPOTHETICAL_VERBS = frozenset({
    "threaten", "plan", "intend", "vow", "aim", "want", "attempt", "try", "seek", "plot", "pledge", "promise",
    "warn", "fear", "risk", "expect", "prepare", "capable", "enough", "able", "potentially", "likely",
    "conspire", "order", "call", "urge", "demand", "hope",
})
HYPOTHETICAL_MARKERS = frozenset({"if", "unless", "potentially", "possibly", "whether"})

PERSON_NOUNS = frozenset({
    "people", "person", "persons", "civilian", "soldier", "troop", "insurgent", "militant", "fighter", "rebel",
    "commander", "leader", "facilitator", "suspect", "man", "men", "woman", "women", "child", "children", "kid",
    "boy", "girl", "baby", "infant", "student", "worker", "officer", "policeman", "policemen", "policewoman",
    "police", "guard", "member", "associate", "individual", "resident", "villager", "protester", "protestor",
    "demonstrator", "journalist", "reporter", "pilgrim", "worshipper", "worshiper", "passenger", "migrant",
    "refugee", "citizen", "national", "tourist", "victim", "doctor", "nurse", "patient", "prisoner", "detainee",
    "hostage", "gunman", "gunmen", "attacker", "bomber", "terrorist", "extremist", "jihadist", "combatant",
    "personnel", "marine", "sailor", "airman", "peacekeeper", "serviceman", "servicemen", "servicemember",
    "contractor", "employee", "staff", "official", "miner", "farmer", "teenager", "adult", "toddler", "fan",
    "spectator", "crew", "crewman", "occupant", "driver", "smuggler", "trafficker", "operative", "emir",
    "chief", "deputy", "lieutenant", "financier", "courier", "bombmaker", "expert", "militiaman", "militiamen",
    "recruit", "cadet", "commando", "inmate", "cleric", "elder", "mullah", "governor", "mayor", "lawmaker",
    "senator", "minister", "pilot", "colonel", "general", "sergeant", "captain", "guardsman", "others", "other",
    "family", "relative", "father", "mother", "son", "daughter", "brother", "sister", "husband", "wife",
    "boyfriend", "girlfriend", "cousin", "uncle", "aunt", "nephew", "niece", "grandmother", "grandfather",
    "grandson", "granddaughter", "stepfather", "stepson", "fiance", "fiancee", "neighbor", "neighbour", "friend",
    "roommate", "male", "female", "homeowner", "tenant", "clerk", "cashier", "customer", "shooter", "assailant", "hijacker", "kidnapper", "abductor", "pirate", "activist",
    "opponent", "dissident", "supporter", "partisan", "sympathizer", "sympathiser", "accomplice", "conspirator",
    "trainer", "instructor", "planner", "organizer", "emplacer", "recruiter", "financer", "supplier", "cell",
    "bodyguard", "aide", "adviser", "advisor", "agent", "spy", "informant", "teacher", "pupil", "monk", "priest",
    "nun", "imam", "volunteer", "rescuer", "firefighter", "medic", "paramedic", "sheikh", "warlord", "youth",
    "youngster", "teen", "senior", "pensioner", "motorist", "cyclist", "pedestrian", "bystander", "hiker",
    "climber", "swimmer", "fisherman", "fishermen", "herder", "shepherd", "trader", "merchant", "shopkeeper",
    "vendor", "employee", "guest", "visitor", "immigrant", "asylum", "seeker", "evacuee", "survivor", "casualty",
    "criminal", "gangster", "thug", "robber", "thief", "dealer", "soldiers", "operator", "ranger", "trooper",
    "paratrooper", "sniper", "gunner", "infantryman", "policemen", "constable", "detective", "inspector",
    "agent", "ally", "affiliate", "co-conspirator", "mujahideen", "taliban", "talib", "hiker",
})
TROOP_NOUNS = frozenset({
    "troop", "troops", "soldier", "personnel", "marine", "peacekeeper", "serviceman", "servicemen",
    "servicemember", "paratrooper", "trooper", "reservist", "sailor", "airman", "force",
})
MONTHS = frozenset({
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
})
# Nouns before a number that make it a name, not a count ("Route 66", "Resolution 2334").
DESIGNATORS = frozenset({
    "route", "resolution", "flight", "article", "section", "chapter", "highway", "road", "room", "building",
    "bus", "line", "platform", "gate", "unit", "company", "battalion", "regiment", "brigade", "division",
    "squad", "number", "no", "no.", "level", "grade", "page", "paragraph", "clause", "amendment", "bill", "act",
    "case", "item", "phase", "stage", "version", "category", "class", "sector", "zone", "box", "apartment",
    "suite", "floor", "block", "lot", "exit", "terminal", "channel", "model", "series", "type", "mark",
    "task", "team", "pier", "berth", "kilometre", "kilometer", "km", "mile", "hill", "camp", "fob", "cop",
    "checkpoint", "district", "precinct", "ward", "plot", "code", "#", "post", "station", "site", "bay",
    "iphone", "windows", "galaxy", "boeing", "airbus", "covid", "covid-19", "f", "su", "mig",
})
STREET_WORDS = frozenset({
    "street", "st", "st.", "avenue", "ave", "ave.", "road", "rd", "rd.", "boulevard", "blvd", "lane", "ln",
    "drive", "dr", "way", "place", "court", "square", "terrace", "highway",
})
SCORE_WORDS = frozenset({"win", "victory", "defeat", "draw", "lead", "loss", "won", "beat", "lost", "drew",
                         "score", "scoreline", "thrashing", "rout", "tie", "tied"})
AGE_WORDS = frozenset({"aged", "age", "ages"})
CLOCK_WORDS = frozenset({"a.m.", "p.m.", "am", "pm", "gmt", "utc", "o'clock", "hrs", "hours"})

# Units of amounts. Lower-cased token -> unit name written to `unit`.
CURRENCY_SYMBOLS = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "a$": "AUD",
                    "c$": "CAD", "hk$": "HKD", "₽": "RUB", "₩": "KRW"}
CURRENCY_WORDS = {
    "dollar": "USD", "dollars": "USD", "usd": "USD", "euro": "EUR", "euros": "EUR", "eur": "EUR",
    "pound": "GBP", "pounds": "GBP", "gbp": "GBP", "sterling": "GBP", "yen": "JPY", "yuan": "CNY",
    "renminbi": "CNY", "rupee": "INR", "rupees": "INR", "rouble": "RUB", "roubles": "RUB", "ruble": "RUB",
    "rubles": "RUB", "afghani": "AFN", "afghanis": "AFN", "francs": "CHF", "franc": "CHF", "won": "KRW",
    "shekels": "ILS", "shekel": "ILS", "lira": "TRY", "naira": "NGN", "rand": "ZAR", "pesos": "MXN",
    "dinars": "IQD", "riyals": "SAR", "dirhams": "AED", "hryvnia": "UAH", "hryvnias": "UAH",
}
MEASURE_UNITS = {
    "%": "percent", "percent": "percent", "per": "percent", "pct": "percent", "percentage": "percent",
    "km": "km", "kilometres": "km", "kilometers": "km", "kilometre": "km", "kilometer": "km",
    "mile": "mi", "miles": "mi", "mi": "mi", "metres": "m", "meters": "m", "metre": "m", "meter": "m",
    "feet": "ft", "foot": "ft", "ft": "ft", "yards": "yd", "yard": "yd", "mm": "mm", "cm": "cm",
    "millimetre": "mm", "millimeter": "mm", "inch": "in", "inches": "in",
    "hectares": "ha", "hectare": "ha", "ha": "ha", "acres": "acre", "acre": "acre", "km2": "km2",
    "kg": "kg", "kilograms": "kg", "kilogram": "kg", "kilos": "kg", "kilo": "kg", "tonnes": "t", "tonne": "t",
    "tons": "t", "ton": "t", "lb": "lb", "lbs": "lb", "grams": "g", "gram": "g", "g": "g", "ounces": "oz",
    "barrels": "bbl", "barrel": "bbl", "litres": "l", "liters": "l", "gallons": "gal",
    "seconds": "second", "second": "second", "minutes": "minute", "minute": "minute", "hours": "hour",
    "hour": "hour", "days": "day", "day": "day", "weeks": "week", "week": "week", "months": "month",
    "month": "month", "years": "year", "year": "year", "decades": "decade", "decade": "decade",
    "centuries": "century", "century": "century", "nights": "night", "night": "night",
}

# "<cue> ... an attack that killed four": the count is history told about someone, not this event.
BACKGROUND_CUES = frozenset({
    ("linked", "to"), ("involved", "in"), ("involved", "with"), ("responsible", "for"), ("accused", "of"),
    ("suspected", "of"), ("connected", "to"), ("tied", "to"), ("blamed", "for"), ("wanted", "for"),
    ("convicted", "of"), ("charged", "with"), ("associated", "with"), ("participated", "in"),
    ("took", "part"), ("planned", "the"), ("orchestrated", "the"), ("masterminded", "the"),
})
BACKGROUND_QUALIFIERS = frozenset(" ".join(p) for p in BACKGROUND_CUES) | {"since"}

# Counted phrases that name nobody in particular, or point back ("he", "the leader" -> "").
GENERIC_OBJECTS = frozenset({
    "", "he", "she", "him", "her", "people", "person", "persons", "individual", "individuals", "victim", "victims",
    "others", "other", "dead", "civilian", "civilians", "body",  # bodies found are of people counted already
})

# --- background: totals that are not the article's incident (left out of the rollup) -------------
# A count in a sentence with one of these is marked `background` in its qualifier, followed by the cue.
# Periods that lie before, or run up to, the reported incident ("last year", "over the past decade").
PAST_PERIOD_NOUNS = frozenset({
    "year", "years", "decade", "decades", "century", "centuries", "autumn", "fall", "spring", "summer", "winter",
    "months", "quarter",
})
# Long-running causes: "the war has killed tens of thousands", "displaced by gang violence".
CONFLICT_NOUNS = frozenset({
    "war", "conflict", "insurgency", "fighting", "violence", "epidemic", "outbreak", "pandemic", "crisis",
    "famine", "hunger", "disease", "unrest", "civil", "campaign", "siege", "occupation", "drought",
})
# Words that make a count a running total told beside the incident ("adding to the 400,000 already displaced").
CUMULATIVE_WORDS = frozenset({"already", "cumulative", "cumulatively"})
# A prisoner release or exchange counts people set free, not people detained in the incident.
RELEASE_LEMMAS = frozenset({"release", "free", "exchange", "swap", "pardon", "repatriate", "parole", "acquit"})
# Not things a release word frees when it is their object ("released a statement").
RELEASED_THINGS = frozenset({
    "statement", "statements", "video", "videos", "report", "reports", "figures", "figure", "details", "data",
    "footage", "names", "photos", "images", "list", "results", "funds", "money", "document", "documents",
})
# Troops: verbs that move or post them ("will send 1,500 more troops"); without one a troop figure is a
# standing strength ("the mission has about 11,000 troops"), not an event of the article.
TROOP_MOVE_LEMMAS = frozenset({
    "deploy", "send", "dispatch", "order", "move", "rush", "fly", "airlift", "transfer", "redeploy", "mobilize",
    "mobilise", "post", "commit", "withdraw", "pull", "contribute", "land", "arrive", "evacuate", "rotate",
})
# Modals of a decided future: a deployment announced with "will" is the news, not a possibility.
PLANNED_MODALS = frozenset({"will", "shall", "'ll"})

# --- triggers decided by their context (`quantities._context_triggers`) ---------------------------
# "fatally shot", "one fatally", "mortally wounded": the outcome was death.
FATAL_ADVERBS = frozenset({"fatally", "mortally"})
# "hit by gunfire", "grazed by a bullet", "struck by shrapnel": wounded (with a GUNFIRE_NOUNS word after "by").
HIT_VERBS = frozenset({"hit", "strike", "struck", "graze", "grazed", "wound"})
GUNFIRE_NOUNS = frozenset({"gunfire", "bullet", "bullets", "shrapnel", "gunshot", "shot", "shots", "round", "rounds",
                           "pellet", "pellets", "fire", "crossfire", "sniper", "shell", "shells", "debris"})
# "suffered a gunshot wound", "sustained injuries", "treated for burns": wounded (with an INJURY_NOUNS word after).
SUFFER_VERBS = frozenset({"suffer", "sustain", "receive", "treat"})
INJURY_NOUNS = frozenset({"wound", "wounds", "injury", "injuries", "burn", "burns", "inhalation", "fracture",
                          "fractures", "trauma", "gunshot"})
# Taking people: seized, snatched, carried off (kidnapped), unless the state takes them (detained).
ABDUCT_VERBS = frozenset({"seize", "snatch", "grab", "carry"})
# Armed groups whose holding someone is a kidnapping ("held by rebels", "taken away by gunmen").
ARMED_GROUPS = frozenset({
    "gunmen", "gunman", "rebels", "rebel", "militants", "militant", "kidnappers", "kidnapper", "pirates", "bandits",
    "insurgents", "militia", "militiamen", "captors", "fighters", "abductors", "gang", "gangs", "jihadists",
    "extremists", "terrorists", "armed", "group",
})
# Agents whose seizing people is an arrest ("police seized two suspects").
STATE_AGENTS = frozenset({"police", "policeman", "policemen", "officer", "officers", "troops", "soldiers", "army",
                          "authorities", "security", "agents", "deputies", "forces", "military", "government"})
# An exchange of prisoners or a negotiated release: people "held by the rebels" there are prisoners, not hostages.
EXCHANGE_WORDS = frozenset({"exchange", "swap", "deal", "agreement", "accord", "truce", "ceasefire", "prisoner", "prisoners",
                            "detainees", "detainee"})
