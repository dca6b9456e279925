"""The stories of the demo corpus, as readable text.

Every story, person, organisation quote and figure here is invented for wirebeam's
tests and demo; no text is copied from any outlet. Real agency names appear only
in datelines and credit lines, because recognising those conventions is part of
what the pipeline has to do. `build_corpus.py` renders these into HTML pages,
feeds and `expected.json`.

`facts` record what a reader of the text can check, and tests assert each piece of
evidence occurs verbatim in the body:
  people:        surname -> full name (the full name appears first, then the surname alone)
  organizations: acronym -> expansion, defined in the text as "Expansion (ACRONYM)"
  counts:        article-level best estimate per category, using the conventions of
                 shared/notes/enrichment.md ("at least 12" -> low 12, high open;
                 "more than 40" -> low 41; "some 2,500" -> 2,500 approximate);
                 `evidence` is the phrase that supports it
  negations / hypotheticals: phrases that must NOT become counts
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Story:
    slug: str
    site: str  # wire | herald | monitor | alpine
    path: str  # URL path on that site
    title: str
    summary: str  # feed item summary / page description
    authors: tuple[str, ...]
    body: str  # paragraphs separated by blank lines; the first starts with the dateline
    credits: str | None  # the credit line printed as the last paragraph
    published: str  # ISO 8601 with the publisher's local offset
    updated: str | None
    categories: tuple[str, ...]
    dateline_place: str | None
    agency: str | None
    language: str = "en"
    charset: str = "utf-8"
    # where the page states its date: jsonld | meta | visible | none
    page_date: str = "jsonld"
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def paragraphs(self) -> list[str]:
        text = textwrap.dedent(self.body).strip()
        return [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]

    @property
    def byline(self) -> str | None:
        if not self.authors:
            return None
        names = list(self.authors)
        joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return ("Von " if self.language == "de" else "By ") + joined


def _count(category: str, evidence: str, low: int | None, high: int | None = None,
           approximate: bool = False) -> dict[str, Any]:
    return {"category": category, "low": low, "high": high, "approximate": approximate,
            "evidence": evidence}


# --------------------------------------------------------------------------- wire
# Meridian Wire: an agency-copy site; RSS 2.0; dates in JSON-LD.

BAGHDAD = Story(
    slug="baghdad-market-bomb",
    site="wire",
    path="/world/middle-east/2025/03/24/car-bomb-kills-at-least-12-at-baghdad-market-idUSKBN3A1",
    title="Car bomb kills at least 12 at Baghdad market, police say",
    summary="A car bomb tore through a crowded vegetable market in eastern Baghdad on Monday, "
            "killing at least 12 people and wounding more than 40, police and medical sources said.",
    authors=("Alina Romanowski", "Tom Okafor"),
    published="2025-03-24T10:05:00+03:00",
    updated="2025-03-24T13:40:00+03:00",
    categories=("World", "Middle East", "Iraq", "Security"),
    dateline_place="BAGHDAD",
    agency="Reuters",
    body="""
        BAGHDAD, March 24 (Reuters) - A car bomb tore through a crowded vegetable market in
        eastern Baghdad on Monday, killing at least 12 people and wounding more than 40, police
        and medical sources said, in the deadliest attack in the Iraqi capital this year.

        The explosion struck shortly before 8 a.m. (0500 GMT) in the Jamila district as traders
        were unloading produce from trucks, said police Colonel Haider Kadhim. Several of the
        wounded were in critical condition and the toll could rise, he said.

        "The car was parked between two fruit stalls since dawn. Nobody suspected anything," said
        Mustafa Jabbar, a 34-year-old stallholder whose brother was among the wounded. "Then there
        was fire everywhere, and people were running in every direction."

        No group immediately claimed responsibility, but Kadhim said the attack bore the hallmarks
        of Islamic State (IS), whose remaining cells in the desert west and north of Baghdad have
        carried out sporadic bombings since the militants lost their last urban strongholds in
        2017.

        Security forces sealed off the area and police arrested 23 suspects in raids across
        eastern Baghdad later in the day, according to a statement from the Interior Ministry.
        The ministry said two of those detained were believed to have supplied the vehicle, a
        white 2009 pickup truck bought in Diyala province last week.

        Health ministry spokesman Saif Hamoudi said 12 bodies had been taken to Al-Kindi hospital,
        and that dozens more people were being treated there and at two other hospitals for burns
        and shrapnel wounds. Relatives gathered outside the gates of Al-Kindi, searching lists of
        names pinned to a wall. Hamoudi appealed for blood donations.

        The blast destroyed about 30 stalls and damaged a three-storey building housing a
        pharmacy and a mobile phone shop. By late morning, municipal workers were hosing the
        street while soldiers checked the identity cards of anyone entering the market.

        The prime minister's office said he had ordered an investigation and had dismissed the
        commander responsible for security in the district. The office said 1,200 additional
        police officers would be deployed to markets and checkpoints in the capital during the
        coming week.

        Violence in Iraq has fallen sharply since IS was defeated. The United Nations Assistance
        Mission for Iraq (UNAMI) recorded 412 civilian deaths from conflict-related violence in
        2024, down from more than 4,000 in 2016, according to its latest annual report.

        "Attacks like this one are designed to show that the group can still reach the heart of
        the capital," said Rasha Mahdi, a security researcher at the Tigris Centre for Policy
        Studies. Mahdi said IS had lost most of its funding but retained a few hundred fighters
        who moved between Iraq and Syria. "They do not need many people to do this kind of
        damage," she said.
    """,
    credits="(Reporting by Alina Romanowski and Tom Okafor; Additional reporting by Samir Haddad "
            "in Erbil; Editing by Clare Whitlock)",
    facts={
        "people": {"Kadhim": "Haider Kadhim", "Mahdi": "Rasha Mahdi", "Hamoudi": "Saif Hamoudi"},
        "organizations": {"IS": "Islamic State",
                          "UNAMI": "United Nations Assistance Mission for Iraq"},
        "counts": [
            _count("killed", "killing at least 12 people", 12),
            _count("wounded", "wounding more than 40", 41),
            _count("detained", "police arrested 23 suspects", 23, 23),
        ],
        "hypotheticals": ["the toll could rise"],
        "distractors": ["34-year-old", "2009 pickup truck", "0500 GMT", "1,200 additional"],
    },
)

NEPAL = Story(
    slug="nepal-earthquake-toll",
    site="wire",
    path="/world/asia-pacific/2025/03/23/death-toll-from-western-nepal-earthquake-rises-to-137-idUSKBN3A0",
    title="Death toll from western Nepal earthquake rises to 137",
    summary="The death toll from a magnitude 6.4 earthquake in western Nepal rose to 137 on Sunday "
            "as rescuers reached remote hill villages and some 2,500 families slept in the open.",
    authors=("Priya Venkataraman",),
    published="2025-03-23T18:20:00+05:45",
    updated=None,
    categories=("World", "Asia Pacific", "Nepal", "Disasters"),
    dateline_place="KATHMANDU",
    agency="Reuters",
    body="""
        KATHMANDU, March 23 (Reuters) - The death toll from a magnitude 6.4 earthquake that struck
        western Nepal late on Friday rose to 137 on Sunday, officials said, as rescuers dug through
        collapsed mud-brick homes in remote hill villages and some 2,500 families fled to open
        ground fearing aftershocks.

        The quake, centred in Dailekh district about 400 km (250 miles) west of Kathmandu, hit at
        11:47 p.m. local time (1802 GMT) on Friday, when most people were asleep. The toll had
        stood at 95 on Saturday evening.

        More than 400 people were injured, Home Ministry spokesman Narayan Prasad Adhikari told
        reporters, adding that the figures were expected to climb as teams reached villages cut
        off by landslides. "Many villages can only be reached on foot. We fear that the number of
        dead could still go up significantly," Adhikari said.

        The army deployed 3,000 soldiers and six helicopters to the affected districts, army
        spokesman Brigadier General Kiran Thapaliya said. Thapaliya said troops had pulled 28
        survivors from the rubble since Saturday, including a 7-year-old girl found alive under a
        collapsed roof after nearly 30 hours.

        The National Disaster Risk Reduction and Management Authority (NDRRMA) said at least
        4,600 houses had been destroyed or badly damaged across three districts. Families whose
        homes were still standing were also sleeping outdoors, it said, in temperatures that fall
        close to freezing at night in the hills.

        In the village of Naumule, residents said 14 of their neighbours had died. "We buried
        them ourselves yesterday because nobody could come," said Bishnu Kumari Rokaya, 52, who
        lost her husband and her daughter-in-law. "Now we have no roof, no rice and no blankets."

        The Nepal Red Cross Society (NRCS) said it had distributed tarpaulins, blankets and
        hygiene kits to 1,800 households but warned that stocks would run out within days without
        more help. The World Health Organization (WHO) said it was sending medical supplies for
        10,000 people and two surgical teams.

        India pledged 1 billion Nepali rupees ($7.4 million) in relief, and the European Union
        released 1.5 million euros in emergency funding. China said it would send tents and
        water purification equipment.

        Nepal lies on a major geological fault line where the Indian tectonic plate pushes into
        the Eurasian plate, forming the Himalayas. Nearly 9,000 people were killed when two
        earthquakes struck the country in 2015, and building codes introduced since then are
        poorly enforced in rural areas, engineers say.
    """,
    credits="(Reporting by Priya Venkataraman in Kathmandu; Additional reporting by Arjun Mehrotra "
            "in New Delhi; Editing by Clare Whitlock and Daniel Ferreira)",
    facts={
        "people": {"Adhikari": "Narayan Prasad Adhikari", "Thapaliya": "Kiran Thapaliya"},
        "organizations": {"NDRRMA": "National Disaster Risk Reduction and Management Authority",
                          "NRCS": "Nepal Red Cross Society", "WHO": "World Health Organization"},
        "counts": [
            _count("killed", "rose to 137", 137, 137),
            _count("wounded", "More than 400 people were injured", 401),
            _count("displaced", "some 2,500 families fled", 2500, 2500, approximate=True),
            _count("deployed", "deployed 3,000 soldiers", 3000, 3000),
        ],
        "superseded": ["stood at 95"],
        "hypotheticals": ["could still go up significantly"],
        "distractors": ["magnitude 6.4", "7-year-old", "1802 GMT", "2015"],
    },
)

NIGER = Story(
    slug="niger-ambush",
    site="wire",
    path="/world/africa/2025/03/22/gunmen-kill-nine-niger-soldiers-in-ambush-near-mali-border-idUSKBN39Z",
    title="Gunmen kill nine Niger soldiers in ambush near Mali border",
    summary="Suspected jihadists killed nine Nigerien soldiers and wounded 11 in an ambush in the "
            "Tillaberi region, the army said on Saturday.",
    authors=("Abdoulaye Sanou",),
    published="2025-03-22T16:45:00+00:00",
    updated=None,
    categories=("World", "Africa", "Niger", "Conflict"),
    dateline_place="NIAMEY",
    agency="Reuters",
    body="""
        NIAMEY, March 22 (Reuters) - Suspected jihadists killed nine Nigerien soldiers and wounded
        11 others in an ambush in the Tillaberi region near the border with Mali, the army said on
        Saturday, the latest in a string of attacks on security forces in the area.

        Dozens of attackers on motorcycles opened fire on a patrol near the village of Tamou on
        Friday afternoon, the army said in a statement read on state television. Four soldiers
        were missing after the clash, it said.

        The army said its troops had "neutralised several terrorists" and recovered weapons and
        motorcycles, but gave no figure. Reuters could not independently verify the account.

        No group claimed the attack. Both Islamic State Sahel Province (ISSP) and Jama'at Nusrat
        al-Islam wal-Muslimin (JNIM), an al Qaeda affiliate, operate in the region where the
        borders of Niger, Mali and Burkina Faso meet. ISSP has claimed several attacks on army
        positions near Tamou this year.

        A local official who asked not to be named because he was not authorised to speak to the
        media said the bodies of the soldiers were taken to Tillaberi town on Saturday morning.
        "The attackers came from the west and left the same way. The patrol had no air cover," he
        said.

        More than 1,300 people fled nearby villages after the attack, according to the U.N. Office
        for the Coordination of Humanitarian Affairs (OCHA), adding to the roughly 400,000 people
        already displaced inside Niger by violence.

        Niger's military government, which seized power in July 2023, has made the fight against
        the insurgents its priority and expelled French troops who had helped it for a decade. It
        has since formed an alliance with the juntas in Mali and Burkina Faso, and promised a
        joint force of 5,000 soldiers to patrol the border zone.

        Security analysts say attacks have become deadlier since foreign forces left. "Without
        surveillance drones and helicopters, a patrol of 30 or 40 men is very exposed," said
        Ousmane Kabore, a researcher who studies armed groups in the Sahel. Kabore said the
        insurgents could expand into the south of the country if the border force failed to
        materialise.

        At least 2,400 people, most of them civilians, were killed in violence in Niger last year,
        according to a tally by an independent monitoring group, up about 20% from 2023.
    """,
    credits="(Reporting by Abdoulaye Sanou; Writing by Tom Okafor; Editing by Daniel Ferreira)",
    facts={
        "people": {"Kabore": "Ousmane Kabore"},
        "organizations": {"ISSP": "Islamic State Sahel Province",
                          "JNIM": "Jama'at Nusrat al-Islam wal-Muslimin",
                          "OCHA": "U.N. Office for the Coordination of Humanitarian Affairs"},
        "counts": [
            _count("killed", "killed nine Nigerien soldiers", 9, 9),
            _count("wounded", "wounded 11 others", 11, 11),
            _count("missing", "Four soldiers were missing", 4, 4),
            _count("displaced", "More than 1,300 people fled", 1301),
        ],
        "vague": ["Dozens of attackers", "several terrorists"],
        "hypotheticals": ["could expand into the south"],
        "distractors": ["July 2023", "20%", "5,000 soldiers"],
    },
)

KARACHI = Story(
    slug="karachi-port-protest",
    site="wire",
    path="/world/asia-pacific/2025/03/25/pakistan-police-detain-23-after-karachi-port-protest-idUSKBN3A2",
    title="Pakistan police detain 23 after Karachi port protest turns violent",
    summary="Police in Karachi detained 23 people after a protest by port workers against "
            "privatisation plans turned violent late on Monday; no one was killed, police said.",
    authors=("Faisal Qureshi",),
    # Filed after midnight in Karachi: the local date (25th) is not the UTC date (24th).
    published="2025-03-25T01:50:00+05:00",
    updated=None,
    categories=("World", "Asia Pacific", "Pakistan", "Protests"),
    dateline_place="KARACHI",
    agency="Reuters",
    body="""
        KARACHI, March 25 (Reuters) - Pakistani police detained 23 people after a protest by port
        workers against plans to privatise two terminals at Karachi port turned violent late on
        Monday, police said, adding that no one was killed.

        Several thousand workers and their supporters marched from the port gates towards the
        offices of the Karachi Port Trust (KPT), chanting slogans against the sale. Police fired
        tear gas and used batons when some protesters threw stones and set fire to two buses,
        said senior police official Imran Siddiqui.

        "We showed maximum restraint. The situation was brought under control within two hours,"
        Siddiqui told reporters shortly before midnight. He said 17 police officers were injured,
        three of them seriously, and that those detained would be charged with rioting and damage
        to public property.

        Union leaders said at least 30 workers were hurt, some of them hit by tear gas canisters,
        and accused the police of arresting people at random. "These are dock workers, not
        criminals," said Shahida Baloch, general secretary of the Karachi Dockworkers Union. Baloch
        said the union would call a strike if the detained men were not released by Wednesday.

        A spokesman for the provincial government of Sindh said the detained would be produced in
        court on Tuesday. Nobody was detained under anti-terrorism laws, he said.

        The government plans to lease the terminals to a foreign operator for 25 years as part of
        a programme of asset sales agreed with the International Monetary Fund (IMF), which
        approved a $7 billion loan for Pakistan last year. Officials say the deal could bring in
        more than $600 million in investment.

        Workers fear that as many as 4,000 jobs could be lost. The port handles about 60% of
        Pakistan's seaborne trade, and a prolonged strike could disrupt imports of fuel and
        food, shipping agents said.

        Traffic on the main road to the port was reopened early on Tuesday. Burned-out vehicles
        and broken glass were still visible near the KPT headquarters at 1 a.m., a Reuters
        witness said, and paramilitary Rangers had taken up positions at the port entrance.

        Pakistan has seen a wave of protests over rising prices, tax increases and job cuts since
        it agreed to the IMF programme, and authorities have banned public gatherings in parts
        of several cities in recent months.
    """,
    credits="(Reporting by Faisal Qureshi in Karachi; Additional reporting by Ayesha Rehman in "
            "Islamabad; Editing by Clare Whitlock)",
    facts={
        "people": {"Siddiqui": "Imran Siddiqui", "Baloch": "Shahida Baloch"},
        "organizations": {"KPT": "Karachi Port Trust", "IMF": "International Monetary Fund"},
        "counts": [
            _count("detained", "detained 23 people", 23, 23),
            _count("killed", "no one was killed", 0, 0),
            _count("wounded", "17 police officers were injured", 17, 17),
        ],
        "negations": ["no one was killed", "Nobody was detained under anti-terrorism laws"],
        "hypotheticals": ["as many as 4,000 jobs could be lost"],
        "distractors": ["25 years", "$7 billion", "60%", "1 a.m."],
    },
)

SUDAN_UN = Story(
    slug="un-sudan-resolution",
    site="wire",
    path="/world/2025/03/24/un-security-council-demands-aid-access-in-sudan-as-famine-spreads-idUSKBN3A3",
    title="U.N. Security Council demands aid access in Sudan as famine spreads",
    summary="The U.N. Security Council demanded unhindered humanitarian access across Sudan on "
            "Monday, as aid agencies warned that famine could kill hundreds of thousands.",
    authors=("Hannah Lindqvist",),
    # Eastern Daylight Time evening: already the 25th in UTC.
    published="2025-03-24T21:30:00-04:00",
    updated=None,
    categories=("World", "Africa", "Sudan", "United Nations", "Politics"),
    dateline_place="UNITED NATIONS",
    agency="Reuters",
    body="""
        UNITED NATIONS, March 24 (Reuters) - The U.N. Security Council on Monday demanded that
        Sudan's warring parties allow unhindered humanitarian access across the country, as aid
        agencies warned that famine spreading through Darfur and Kordofan could kill hundreds of
        thousands of people within months.

        Resolution 2781, drafted by Britain, was adopted with 13 votes in favour and two
        abstentions. It calls on the Sudanese army and the paramilitary Rapid Support Forces
        (RSF) to open crossing points and stop attacks on aid convoys and displacement camps.

        "Every day of delay is measured in the lives of children," Britain's deputy U.N.
        ambassador, Eleanor Marsh, told the council after the vote. Marsh said the council would
        consider targeted sanctions against commanders who blocked aid.

        The World Food Programme (WFP) says some 25 million people, about half of Sudan's
        population, face acute hunger, and that famine has been confirmed in at least 10 areas.
        WFP executive director Carla Benedetti told the council that convoys carrying food for
        1.5 million people were waiting at the border with Chad.

        "If nothing changes, hunger could kill more people than the fighting," Benedetti said.

        At least 31 people were killed on Sunday when shells hit a displacement camp near El
        Fasher, the capital of North Darfur state, according to local doctors. The RSF has
        besieged the city for months. The army and the RSF accuse each other of targeting
        civilians.

        The war, which erupted in April 2023 from a power struggle between the army and the
        RSF, has killed tens of thousands of people and driven more than 12 million from their
        homes, making it the world's largest displacement crisis, according to the
        International Organization for Migration (IOM).

        The U.N. humanitarian appeal for Sudan this year, $4.2 billion, is only 6% funded,
        officials said. Several donors have cut aid budgets, and the WFP said it might have to
        reduce rations for 700,000 refugees in Chad from next month.

        Sudan's ambassador, Omar Abdelrahim, said the government welcomed the resolution but
        accused the RSF of looting aid. An RSF adviser said in a statement that the group was
        ready to guarantee the safety of convoys in areas it controls.

        Diplomats said the two abstaining members had objected to language on sanctions. The
        council last adopted a resolution on Sudan in November, which called for a halt to the
        siege of El Fasher.
    """,
    credits="(Reporting by Hannah Lindqvist; Additional reporting by Khalid Osman in Port Sudan; "
            "Editing by Daniel Ferreira and Clare Whitlock)",
    facts={
        "people": {"Marsh": "Eleanor Marsh", "Benedetti": "Carla Benedetti"},
        "organizations": {"RSF": "Rapid Support Forces", "WFP": "World Food Programme",
                          "IOM": "International Organization for Migration"},
        "counts": [
            _count("killed", "At least 31 people were killed", 31),
            _count("displaced", "more than 12 million from their homes", 12000001),
        ],
        "hypotheticals": ["could kill hundreds of thousands of people",
                          "hunger could kill more people than the fighting"],
        "vague": ["tens of thousands of people"],
        "distractors": ["Resolution 2781", "13 votes", "$4.2 billion", "6%", "April 2023"],
    },
)

# A feed item whose page is gone: the feed still lists it, the site answers 404.
GONE_PATH = "/world/middle-east/2025/03/23/iraq-parliament-session-postponed-idUSKBN3A9"
GONE_ITEM = {
    "site": "wire",
    "path": GONE_PATH,
    "title": "Iraq parliament postpones session on budget amid boycott",
    "summary": "Iraq's parliament postponed a session on the 2025 budget after dozens of lawmakers "
               "boycotted it.",
    "author": "Samir Haddad",
    "published": "2025-03-23T15:00:00+03:00",
    "categories": ("World", "Middle East", "Iraq", "Politics"),
    "guid": "meridianwire:20250323:iraq-parliament-postponed",
}

# --------------------------------------------------------------------------- herald
# The Northgate Herald: a regional newspaper carrying AP copy and its own staff;
# Atom 1.0; dates in <meta property="article:published_time"> (one page has none).

KABUL = Story(
    slug="kabul-ministry-blast",
    site="herald",
    path="/news/world/suicide-bomber-kills-6-outside-afghan-ministry-in-kabul",
    title="Suicide bomber kills 6 outside Afghan ministry in Kabul, Taliban say",
    summary="A suicide bomber blew himself up outside the Ministry of Urban Development in Kabul, "
            "killing six people and wounding at least 14, a Taliban spokesman said.",
    authors=("Nadia Karimi", "Joseph Whitaker"),
    published="2025-03-23T09:40:00+04:30",
    updated="2025-03-23T10:15:00+04:30",
    categories=("World", "Afghanistan", "Terrorism"),
    dateline_place="KABUL",
    agency="AP",
    # No date in the page at all: the pipeline must fall back to the feed's date.
    page_date="none",
    body="""
        KABUL, Afghanistan (AP) — A suicide bomber blew himself up outside a government ministry
        in the Afghan capital on Sunday morning, killing six people and wounding at least 14,
        a Taliban spokesman said.

        The attacker approached the main gate of the Ministry of Urban Development on foot as
        employees were arriving for work and detonated his explosives when guards tried to search
        him, said Abdul Rahman Sadiq, a spokesman for the Kabul police. Two guards and four
        civilians were among the dead, Sadiq said.

        There was no immediate claim of responsibility, but the Islamic State group's regional
        affiliate, known as Islamic State Khorasan Province (IS-K), has claimed several bombings
        in Kabul targeting Taliban officials and members of the Shiite minority.

        A hospital run by an Italian aid group in the city said it had received nine wounded
        people and that two of them were in serious condition. Other casualties were taken to a
        government hospital nearby.

        Ahmad Wali, a 41-year-old shopkeeper across the street, said the blast shattered his
        windows. "I heard shouting at the gate and then a huge sound. When I came outside I saw
        people lying on the ground," he said. Wali said ambulances arrived within minutes and
        Taliban fighters blocked the road.

        The Taliban seized power in August 2021 as U.S. and NATO forces were in the final weeks
        of their withdrawal from the country after 20 years of war. Since then they have said
        they have restored security, and overall violence has fallen. But IS-K remains active
        and has carried out attacks on mosques, schools and government buildings.

        In the most recent major attack in the capital, a bombing in January killed a minister
        and several of his staff. The group also claimed an attack on a bus in the west of the
        city that killed at least 10 people last autumn.

        Sadiq said security forces had detained no one in connection with Sunday's bombing but
        had opened an investigation. He said the attacker was about 20 years old and that his
        identity had not been established.

        The United Nations Assistance Mission in Afghanistan (UNAMA) condemned the attack and
        said deliberate attacks on civilians could amount to war crimes. The mission has
        repeatedly urged the Taliban administration to do more to protect religious minorities
        and public places.

        Afghanistan's economy has been in crisis since the takeover, with foreign aid sharply
        reduced. More than 23 million people, over half the population, need humanitarian
        assistance this year, according to U.N. agencies.
    """,
    credits="Associated Press writer Farid Hamdard in Islamabad contributed to this report.",
    facts={
        "people": {"Sadiq": "Abdul Rahman Sadiq", "Wali": "Ahmad Wali"},
        "organizations": {"IS-K": "Islamic State Khorasan Province",
                          "UNAMA": "United Nations Assistance Mission in Afghanistan"},
        "counts": [
            _count("killed", "killing six people", 6, 6),
            _count("wounded", "wounding at least 14", 14),
        ],
        "negations": ["had detained no one"],
        "distractors": ["41-year-old", "August 2021", "20 years of war", "about 20 years old"],
    },
)

HAITI = Story(
    slug="haiti-gang-attack",
    site="herald",
    path="/news/world/gang-attack-on-haitian-town-forces-some-2500-families-to-flee",
    title="Gang attack on Haitian town forces some 2,500 families to flee",
    summary="Gangs stormed the central Haitian town of Saut-d'Eau, killing at least 19 people and "
            "forcing some 2,500 families to flee, officials said.",
    authors=("Marlene Joseph",),
    published="2025-03-22T17:30:00-04:00",
    updated=None,
    categories=("World", "Haiti", "Crime"),
    dateline_place="PORT-AU-PRINCE",
    agency="AP",
    page_date="meta",
    body="""
        PORT-AU-PRINCE, Haiti (AP) — Heavily armed gangs stormed a town in central Haiti before
        dawn on Saturday, killing at least 19 people, including two police officers, and forcing
        some 2,500 families to flee into the surrounding hills, local officials said.

        The attack on Saut-d'Eau, a pilgrimage town about 60 kilometers (37 miles) north of the
        capital, lasted more than seven hours, said the town's mayor, Jean-Baptiste Moreau. Moreau
        said gang members set fire to the police station, a health clinic and dozens of homes, and
        freed prisoners from a small holding cell.

        "They came from three directions at once. The police fought until they ran out of
        ammunition," Moreau told The Associated Press by phone from a neighboring town where he
        had taken refuge with his family.

        The Haitian National Police (PNH) said in a statement that reinforcements had reached the
        outskirts of the town by Saturday afternoon and that fighting was continuing. No arrests
        have been made, a police spokeswoman said.

        The attack was claimed in a video posted on social media by a leader of Viv Ansanm, a
        coalition of gangs that controls most of Port-au-Prince and has been expanding into rural
        areas. In the video, he warned that other towns along the road north would be next.

        Dozens of people were wounded, according to a nurse at the hospital in Mirebalais, where
        many of them were taken. She said the hospital was running short of blood and
        painkillers.

        The International Organization for Migration (IOM) said more than 1 million people have
        been displaced by gang violence across Haiti, a threefold increase in less than two years.
        Many live in crowded schools and churches in the capital with little access to clean
        water.

        A Kenya-led Multinational Security Support (MSS) mission, authorized by the U.N. Security
        Council in 2023, has about 1,000 personnel in Haiti, far short of the 2,500 envisaged. Its
        officers have been deployed mostly in the capital and have not been able to stop the gangs
        from spreading.

        Gangs killed more than 5,600 people across Haiti last year, according to the U.N. human
        rights office, and kidnapped hundreds more for ransom.

        Rose-Mitha Alexis, 38, who fled Saut-d'Eau with her four children, said she had walked for
        five hours before reaching safety. "We left everything. I only took the children and our
        papers," she said. Alexis said she did not know whether her parents, who stayed behind,
        were alive.
    """,
    credits="Associated Press writer Carlos Medina in San Juan, Puerto Rico, contributed to this "
            "report.",
    facts={
        "people": {"Moreau": "Jean-Baptiste Moreau", "Alexis": "Rose-Mitha Alexis"},
        "organizations": {"PNH": "Haitian National Police", "MSS": "Multinational Security Support",
                          "IOM": "International Organization for Migration"},
        "counts": [
            _count("killed", "killing at least 19 people", 19),
            _count("displaced", "some 2,500 families to flee", 2500, 2500, approximate=True),
        ],
        "negations": ["No arrests have been made"],
        "vague": ["Dozens of people were wounded", "dozens of homes"],
        "distractors": ["60 kilometers", "38", "2023", "about 1,000 personnel"],
    },
)

PENTAGON = Story(
    slug="pentagon-troops-baltics",
    site="herald",
    path="/news/nation/pentagon-orders-3000-troops-to-poland-and-baltics-for-nato-drills",
    title="Pentagon orders 3,000 troops to Poland and the Baltics for NATO drills",
    summary="The Pentagon is sending 3,000 soldiers to Poland, Lithuania, Latvia and Estonia for "
            "exercises that officials say are meant to reassure allies.",
    authors=("Joseph Whitaker",),
    published="2025-03-24T15:12:00-04:00",
    updated="2025-03-24T18:02:00-04:00",
    categories=("Nation", "Military", "NATO", "Politics"),
    dateline_place="WASHINGTON",
    agency="AP",
    page_date="meta",
    body="""
        WASHINGTON (AP) — The Pentagon said Monday it will deploy 3,000 soldiers to Poland and the
        three Baltic states next month for a series of exercises with allies, a move officials
        described as a signal of support for the North Atlantic Treaty Organization (NATO) after
        months of debate in Washington over the cost of American commitments in Europe.

        The troops, mostly from an armored brigade based at Fort Stewart, Georgia, will take part
        in drills known as Baltic Shield through the end of June, Pentagon press secretary Laura
        Brennan told reporters. They will bring about 90 tanks and infantry fighting vehicles.

        "This is about readiness and about showing our allies that we will be there," Brennan
        said. She said the deployment was a rotation and would not increase the permanent number
        of U.S. forces in Europe, currently about 100,000.

        A senior defense official, speaking on condition of anonymity to discuss planning, said the
        Army could send up to 5,000 more soldiers later in the year if the exercises went well.
        The official said the cost of the deployment would be about $310 million.

        Lithuania's defense minister welcomed the announcement, saying in a statement that the
        soldiers would be "among friends." Poland already hosts about 10,000 American troops on a
        rotating basis.

        In Congress, reaction split largely along party lines. Sen. Margaret Holloway, D-Conn.,
        said the deployment was "overdue" and urged the administration to make it permanent.
        Rep. Dale Kinnard, R-Texas, said European countries should pay more for their own
        defense. "We have 23 allies spending at least 2% of GDP. The rest need to catch up,"
        Kinnard said.

        NATO's secretary-general has pressed members to go further and spend as much as 3.5% of
        their economies on defense, warning that Russia could be ready to test the alliance
        within five years. Russia's embassy in Washington called the exercises a provocation.

        The deployment comes as European officials watch for any sign of a reduction in U.S.
        forces on the continent. No decision on troop levels in Europe has been made, Brennan
        said, adding that the Pentagon's review of its global posture would be completed in the
        summer.

        Holloway, who sits on the Senate Armed Services Committee, said she would hold a hearing
        on the review next month. "Our allies deserve a straight answer," she said.
    """,
    credits="Associated Press writer Hannah Lindqvist in Brussels contributed to this report.",
    facts={
        "people": {"Brennan": "Laura Brennan", "Holloway": "Margaret Holloway",
                   "Kinnard": "Dale Kinnard"},
        "organizations": {"NATO": "North Atlantic Treaty Organization"},
        "counts": [
            _count("deployed", "deploy 3,000 soldiers", 3000, 3000),
        ],
        "hypotheticals": ["could send up to 5,000 more soldiers", "could be ready to test the alliance"],
        "distractors": ["$310 million", "2% of GDP", "3.5%", "D-Conn.", "about 100,000"],
    },
)

NORTHGATE = Story(
    slug="northgate-plant-fire",
    site="herald",
    path="/news/local/fire-at-northgate-chemical-plant-forces-1200-from-homes",
    title="Fire at Northgate chemical plant forces 1,200 from homes; no one hurt",
    summary="A fire at the Halvorsen Polymers plant on the east side forced about 1,200 residents "
            "to leave their homes overnight. No one was killed or injured, officials said.",
    authors=("Denise Carrow",),
    published="2025-03-22T08:30:00-05:00",
    updated="2025-03-22T11:45:00-05:00",
    categories=("Local", "Public Safety", "Environment"),
    dateline_place="NORTHGATE",
    agency=None,
    page_date="meta",
    body="""
        NORTHGATE — A fire that broke out late Friday at a chemical plant on the city's east side
        forced about 1,200 residents from their homes overnight, but no one was killed or injured,
        fire officials said Saturday morning.

        The fire started shortly after 11 p.m. in a storage building at Halvorsen Polymers on
        Quarry Road, Fire Chief Raymond Ostrowski said at a news conference. More than 60
        firefighters from Northgate and four neighboring departments fought the blaze, which was
        declared under control at 5:40 a.m.

        "Our crews did a remarkable job keeping this fire away from the main tank farm,"
        Ostrowski said. "If it had reached those tanks, we would be having a very different
        conversation this morning." The tanks hold about 40,000 gallons of solvents, he said.

        Police went door to door in a half-mile radius around the plant, and buses took residents
        without cars to the Eastfield High School gym, where the Red Cross set up cots. By 2 a.m.,
        some 300 people had checked in at the shelter, according to Northgate Emergency Management
        director Luis Ferrante.

        Ferrante said the evacuation order was lifted at 9 a.m. after air monitoring by the city
        and the state Department of Environmental Quality (DEQ) found no dangerous levels of smoke
        or chemicals in the neighborhood. Residents were advised to keep windows closed for the
        rest of the day.

        The plant's 210 employees were sent home and production will be suspended at least until
        Monday, a Halvorsen spokeswoman said in an email. The company said all 14 workers on the
        night shift were accounted for and that it was cooperating with investigators.

        The cause of the fire was not known. Ostrowski said investigators from the state fire
        marshal's office would begin work once the building had cooled down.

        It was the second fire at the plant in four years. In 2021, a smaller blaze in a dryer
        unit led to an $85,000 fine from the Occupational Safety and Health Administration
        (OSHA) over blocked emergency exits.

        Marcy Dupree, 67, who has lived on Quarry Road for 31 years, said she smelled smoke before
        she heard the sirens. "I have always worried about that place," Dupree said. "Tonight I
        am going to sleep with my shoes next to the bed."

        City Council member Anthony Reyes said he would ask the council on Tuesday to review
        safety plans for all industrial sites within a mile of homes.
    """,
    credits=None,
    facts={
        "people": {"Ostrowski": "Raymond Ostrowski", "Ferrante": "Luis Ferrante",
                   "Dupree": "Marcy Dupree"},
        "organizations": {"DEQ": "Department of Environmental Quality",
                          "OSHA": "Occupational Safety and Health Administration"},
        "counts": [
            _count("evacuated", "about 1,200 residents", 1200, 1200, approximate=True),
            _count("killed", "no one was killed or injured", 0, 0),
        ],
        "negations": ["no one was killed or injured"],
        "hypotheticals": ["we would be having a very different conversation"],
        "distractors": ["5:40 a.m.", "40,000 gallons", "$85,000", "67", "31 years"],
    },
)

EL_FASHER_BODY = """
    CAIRO (AP) — Shells fired by a Sudanese paramilitary group slammed into a camp for displaced
    people outside the besieged city of El Fasher on Sunday, killing at least 31 people,
    including nine children, a doctors' group said.

    The Rapid Support Forces (RSF), which has been fighting Sudan's military for control of the
    country since April 2023, shelled the Abu Shouk camp for several hours, according to the
    Darfur Medical Coalition, an independent group of doctors that tracks casualties in the
    region.

    Dozens of people were wounded, many of them seriously, and the camp's only functioning
    clinic was damaged, the coalition said in a statement. It said the toll was likely to rise
    because some of the wounded could not be reached.

    Mariam Idriss, a volunteer nurse in the camp, said by phone that shells fell near a water
    point where women and children were queuing. "We pulled out children from under the mud
    walls with our hands," she said. Idriss said volunteers had buried the dead in the camp
    because it was too dangerous to reach the cemetery.

    The RSF did not respond to a request for comment. The group has denied targeting civilians
    in the past and blamed the army for the deaths of civilians in El Fasher.

    Some 4,000 families fled Abu Shouk after the shelling, heading west toward the town of
    Tawila, about 60 kilometers (37 miles) away, according to the International Organization for
    Migration (IOM). The journey takes three days on foot, and aid workers have reported
    robberies and killings along the road.

    El Fasher, the capital of North Darfur province, is the last major city in the Darfur
    region still held by the army and its allies. The RSF has besieged it since May last year,
    cutting off most food deliveries. Famine was confirmed in Abu Shouk and the nearby Zamzam
    camp last year by a panel of U.N.-backed experts.

    The war has killed tens of thousands of people and driven more than 12 million from their
    homes. Both sides have been accused of atrocities. The RSF and allied Arab militias have
    been accused of ethnically motivated killings of African communities in Darfur.

    The U.N. Security Council is due to vote this week on a draft resolution demanding
    unhindered humanitarian access in Sudan. The World Food Programme (WFP) has warned that
    hunger in Darfur could kill far more people than the fighting if convoys cannot get through.

    Adam Yousif Harun, a 29-year-old teacher who left the camp with his mother and five
    siblings, said they had no food for the road. "We are walking because staying means dying,"
    Harun said.
"""

EL_FASHER_FACTS = {
    "people": {"Idriss": "Mariam Idriss", "Harun": "Adam Yousif Harun"},
    "organizations": {"RSF": "Rapid Support Forces",
                      "IOM": "International Organization for Migration",
                      "WFP": "World Food Programme"},
    "counts": [
        _count("killed", "killing at least 31 people", 31),
        _count("displaced", "Some 4,000 families fled", 4000, 4000, approximate=True),
    ],
    "hypotheticals": ["could kill far more people than the fighting"],
    "vague": ["Dozens of people were wounded", "tens of thousands of people"],
    "distractors": ["April 2023", "29-year-old", "60 kilometers"],
}

EL_FASHER = Story(
    slug="el-fasher-camp-shelling",
    site="herald",
    path="/news/world/paramilitary-shelling-of-darfur-camp-kills-at-least-31-doctors-say",
    title="Paramilitary shelling of Darfur camp kills at least 31, doctors say",
    summary="Shells fired by the Rapid Support Forces hit the Abu Shouk displacement camp outside "
            "El Fasher, killing at least 31 people, including nine children.",
    authors=("Samia Haroun",),
    published="2025-03-23T10:20:00-04:00",
    updated=None,
    categories=("World", "Sudan", "Conflict"),
    dateline_place="CAIRO",
    agency="AP",
    page_date="meta",
    body=EL_FASHER_BODY,
    credits="Associated Press writer Khalid Osman in Port Sudan contributed to this report.",
    facts=EL_FASHER_FACTS,
)

# --------------------------------------------------------------------------- monitor
# ReliefLine Monitor: a humanitarian news site carrying AFP copy; RSS 1.0 (RDF) with
# dc:date; pages show only a visible date (no date in the page metadata).

CHOLERA = Story(
    slug="who-cholera-warning",
    site="monitor",
    path="/news/2025/03/who-warns-cholera-surge-could-kill-thousands-as-funding-dries-up",
    title="WHO warns cholera surge could kill thousands as funding dries up",
    summary="The World Health Organization warned on Sunday that cholera outbreaks in more than "
            "30 countries could kill thousands unless vaccine and treatment funding is restored.",
    authors=("Ingrid Sorensen",),
    published="2025-03-23T10:10:00+01:00",
    updated=None,
    categories=("Health", "Epidemics", "United Nations"),
    dateline_place="GENEVA",
    agency="AFP",
    page_date="visible",
    body="""
        GENEVA (AFP) - The World Health Organization (WHO) warned on Sunday that a surge in cholera
        outbreaks across more than 30 countries could kill thousands of people this year unless
        funding for vaccines and treatment centres is restored.

        Cholera cases reported to the UN health agency rose by about 15 percent last year to more
        than 800,000, with at least 5,800 deaths, the WHO said in its latest global update. The
        real figures are likely to be much higher because many countries do not report all cases,
        it added.

        "We are seeing outbreaks that are larger, deadlier and last longer, in places where
        health systems have been shattered by war and climate disasters," said Dr. Philippe
        Lemaire, who leads the WHO's cholera response. Lemaire said the disease was spreading
        fastest in Sudan, Yemen, the Democratic Republic of Congo and Afghanistan.

        The case fatality rate in several countries has risen above one percent, the threshold
        considered acceptable with proper treatment, which the WHO said showed that patients were
        not reaching care in time.

        The global stockpile of oral cholera vaccine, managed by the International Coordinating
        Group on Vaccine Provision (ICG), fell to zero at least four times last year. Only one
        manufacturer, in South Korea, currently produces the vaccine, and demand is running at
        more than twice the supply.

        The agency is seeking $50 million for its emergency cholera response this year but has
        received less than a quarter of that amount, Lemaire said. Several aid organisations have
        closed treatment centres because of budget cuts.

        The UN children's agency UNICEF said children under five accounted for nearly half of
        cases in some outbreaks. In Sudan alone, more than 60,000 suspected cases and 1,600
        deaths have been recorded since the outbreak began in August 2024, the health ministry
        said.

        Cholera, an acute diarrhoeal infection caused by eating food or drinking water
        contaminated with the bacterium Vibrio cholerae, can kill within hours if untreated, but
        most patients recover with oral rehydration salts.

        Lemaire said the world had the tools to end cholera deaths. "No one should die of
        cholera in 2025. It is a disease of poverty and neglect," he said.

        The Global Task Force on Cholera Control (GTFCC), a partnership of more than 50
        organisations, aims to reduce cholera deaths by 90 percent by 2030, a target the WHO
        says is now out of reach without new money.
    """,
    credits="ag/jm/rlp",
    facts={
        "people": {"Lemaire": "Philippe Lemaire"},
        "organizations": {"WHO": "World Health Organization",
                          "ICG": "International Coordinating Group on Vaccine Provision",
                          "GTFCC": "Global Task Force on Cholera Control"},
        "counts": [
            _count("killed", "at least 5,800 deaths", 5800),
        ],
        "hypotheticals": ["could kill thousands of people"],
        "negations": ["No one should die of cholera"],
        "distractors": ["15 percent", "$50 million", "90 percent", "2030", "August 2024"],
    },
)

MOGADISHU = Story(
    slug="mogadishu-hotel-siege",
    site="monitor",
    path="/news/2025/03/al-shabaab-gunmen-kill-eight-in-siege-of-mogadishu-hotel",
    title="Al-Shabaab gunmen kill eight in siege of Mogadishu hotel",
    summary="Al-Shabaab gunmen stormed a hotel near Mogadishu's Lido beach, killing a soldier and "
            "seven civilians before security forces ended the siege.",
    authors=("Hassan Abdi Nur",),
    published="2025-03-24T23:40:00+03:00",
    updated=None,
    categories=("Africa", "Somalia", "Terrorism"),
    dateline_place="MOGADISHU",
    agency="AFP",
    page_date="visible",
    body="""
        MOGADISHU (AFP) - Al-Shabaab gunmen stormed a hotel popular with officials near
        Mogadishu's Lido beach on Monday evening, killing a soldier and seven civilians before
        Somali security forces ended a siege that lasted nearly six hours, police said.

        All four attackers were shot dead, police spokesman Abdifatah Warsame told reporters at
        the scene. More than 20 people were wounded, he said, and security forces rescued 43
        guests and staff who had hidden in rooms on the upper floors.

        "The attackers blew up the gate with a car bomb and then entered the building firing,"
        Warsame said. "Our forces responded quickly and prevented a much bigger tragedy."

        The Al-Qaeda-linked Al-Shabaab group claimed responsibility in a statement on a website
        it uses, saying its fighters had targeted "apostate officials". The group has fought the
        federal government in Mogadishu for more than 15 years.

        Witnesses described hearing a powerful explosion at around 6 pm local time followed by
        bursts of gunfire. "We were having dinner on the terrace when the blast came. Everyone
        ran to the beach," said Faduma Hussein, a 26-year-old university student. Hussein said
        she saw at least three bodies near the entrance.

        Among the dead was a senior official of the ministry of ports, his family said. Several
        lawmakers who were in the hotel at the time escaped unhurt, according to a member of
        parliament who spoke to AFP.

        The attack came weeks after the government announced a new offensive against Al-Shabaab
        in central Somalia, where the militants have regained territory they lost in 2022 and
        2023.

        The African Union Support and Stabilisation Mission in Somalia (AUSSOM), which replaced a
        previous AU force in January, has about 11,000 troops in the country, but funding for the
        mission remains uncertain. Analysts have warned that a drawdown could allow the group to
        threaten the capital again.

        Al-Shabaab has carried out numerous attacks on hotels and restaurants in Mogadishu. In
        2022, a siege of the Hayat Hotel lasted about 30 hours.

        The United Nations envoy to Somalia condemned the attack and said those responsible must
        be brought to justice. The United States, which conducts air strikes against the group,
        said it stood with the Somali people.
    """,
    credits="mah/er/sbk",
    facts={
        "people": {"Warsame": "Abdifatah Warsame", "Hussein": "Faduma Hussein"},
        "organizations": {"AUSSOM": "African Union Support and Stabilisation Mission in Somalia"},
        "counts": [
            _count("killed", "killing a soldier and seven civilians", 8, 8),
            _count("wounded", "More than 20 people were wounded", 21),
        ],
        "notes": "the four attackers shot dead are perpetrators, not victims",
        "distractors": ["rescued 43", "26-year-old", "6 pm", "15 years", "about 11,000 troops"],
    },
)

JAVA = Story(
    slug="java-floods-landslides",
    site="monitor",
    path="/news/2025/03/floods-and-landslides-kill-21-in-indonesias-java-dozens-missing",
    title="Floods and landslides kill 21 in Indonesia's Java, dozens missing",
    summary="Floods and landslides triggered by torrential rain in Central Java killed at least 21 "
            "people and forced more than 3,200 to evacuate.",
    authors=("Dewi Kartika",),
    published="2025-03-22T19:05:00+08:00",
    updated=None,
    categories=("Asia", "Indonesia", "Disasters", "Climate"),
    dateline_place="JAKARTA",
    agency="AFP",
    page_date="visible",
    body="""
        JAKARTA (AFP) - Floods and landslides triggered by torrential rain killed at least 21
        people in Indonesia's Central Java province and left 17 missing, the national disaster
        agency said Saturday, as rescuers searched villages buried under mud.

        More than 3,200 people were evacuated from their homes after rivers burst their banks in
        four districts, said Teguh Prasetyo, a spokesman for the National Disaster Mitigation
        Agency (BNPB). Hundreds of houses were damaged or swept away, he said.

        "The search is difficult because the soil is still unstable and it keeps raining,"
        Prasetyo told AFP. "We are worried the number of victims could still increase."

        The worst-hit area was a hillside hamlet in Pekalongan regency, where a landslide buried
        about a dozen houses early Friday while residents slept. Rescuers using excavators and
        their bare hands had recovered 11 bodies there by Saturday afternoon, Prasetyo said.

        Around 1,500 soldiers, police and volunteers were deployed to help with the search and
        evacuation. Pictures released by the agency showed rescuers wading through waist-deep
        brown water carrying elderly residents on their backs.

        Sri Wahyuni, 45, said she had escaped with her two grandchildren minutes before her house
        collapsed. "The water came so fast. I could only grab the children," Wahyuni said at a
        mosque being used as a shelter. Her husband, a rice farmer, was helping neighbours move
        their livestock to higher ground when the river rose.

        Indonesia's weather agency warned that heavy rain would continue in parts of Java for
        at least three more days and urged people living near rivers and on steep slopes to move
        to safer ground.

        Landslides and flash floods are common in Indonesia during the rainy season, which
        usually runs from October to April. Environmentalists say deforestation and poorly
        planned construction on hillsides have made them more frequent and more deadly.

        In January, floods and landslides in the same province killed 25 people. Indonesia, an
        archipelago of more than 17,000 islands, recorded more than 1,000 floods last year, the
        BNPB said, about 40 percent of all the disasters in the country.

        President Prabowo's office said the government would release 50 billion rupiah
        ($3 million) for emergency relief and the reconstruction of bridges and roads.
    """,
    credits="dk/fox/cwl",
    facts={
        "people": {"Prasetyo": "Teguh Prasetyo", "Wahyuni": "Sri Wahyuni"},
        "organizations": {"BNPB": "National Disaster Mitigation Agency"},
        "counts": [
            _count("killed", "killed at least 21 people", 21),
            _count("missing", "left 17 missing", 17, 17),
            _count("evacuated", "More than 3,200 people were evacuated", 3201),
            _count("deployed", "Around 1,500 soldiers, police and volunteers were deployed",
                   1500, 1500, approximate=True),
        ],
        "superseded": [],
        "hypotheticals": ["could still increase"],
        "distractors": ["45", "17,000 islands", "40 percent", "50 billion rupiah"],
    },
)

COLOMBIA = Story(
    slug="colombia-soldiers-held",
    site="monitor",
    path="/news/2025/03/colombia-says-rebels-kidnapped-28-soldiers-in-cauca-standoff",
    title="Colombia says rebels kidnapped 28 soldiers in Cauca standoff",
    summary="Colombia's defence ministry said 28 soldiers were being held in the southwestern "
            "department of Cauca by civilians acting under pressure from a rebel group.",
    authors=("Lucia Arbelaez",),
    published="2025-03-24T14:30:00-05:00",
    updated=None,
    categories=("Americas", "Colombia", "Conflict"),
    dateline_place="BOGOTA",
    agency="AFP",
    page_date="visible",
    body="""
        BOGOTA (AFP) - Colombia's defence ministry said on Monday that 28 soldiers were being held
        against their will in the southwestern department of Cauca by residents acting under
        pressure from a dissident faction of the former FARC guerrilla group.

        The soldiers were surrounded on Sunday by about 600 people as they patrolled near the
        town of El Plateado, a stronghold of the Central General Staff (EMC), the largest group
        of dissidents who rejected the 2016 peace agreement, the ministry said in a statement.

        "This is a kidnapping. Our soldiers must be released immediately and unharmed," defence
        ministry official Andres Guzman told reporters in Bogota. Guzman said the rebels used
        civilians as human shields to stop military operations against coca crops and drug
        laboratories.

        Community leaders said in a video that the soldiers were safe and would be released once
        the government agreed to talks about the destruction of coca fields, which they said
        were the only source of income for thousands of families.

        The Ombudsman's Office, which protects human rights, said it had sent a team to the area
        to mediate. No shots were fired during the incident and no one was hurt, according to
        the army.

        Similar standoffs have become frequent in Cauca. In a single week last year, more than
        70 soldiers and police officers were held by crowds in separate incidents and later
        freed after negotiations led by the church and the Ombudsman's Office.

        Colombia's government began peace talks with several armed groups in 2022, but talks with
        the main EMC faction collapsed last year after attacks on indigenous leaders. The
        military has since deployed some 2,000 additional troops to Cauca.

        Cauca has the largest area of coca cultivation in Colombia, the world's biggest producer
        of cocaine. Armed groups fight for control of trafficking routes to the Pacific coast.

        Ernesto Vidal, a security analyst at a Bogota university, said the tactic allowed the
        rebels to paralyse the army without firing a shot. "The state cannot use force against
        hundreds of farmers, and the armed groups know it," Vidal said.

        Colombia's half-century conflict killed more than 450,000 people between 1985 and 2018,
        according to a truth commission set up under the peace agreement.
    """,
    credits="la/mel/bgs",
    facts={
        "people": {"Guzman": "Andres Guzman", "Vidal": "Ernesto Vidal"},
        "organizations": {"EMC": "Central General Staff"},
        "counts": [
            _count("kidnapped", "28 soldiers were being held", 28, 28),
            _count("killed", "no one was hurt", 0, 0),
        ],
        "negations": ["No shots were fired", "no one was hurt"],
        "vague": ["thousands of families", "hundreds of farmers"],
        "distractors": ["2016", "1985 and 2018", "about 600 people"],
    },
)

# The same AP story, syndicated on a second site: same text, different chrome; its
# canonical link points at the original on the Herald.
EL_FASHER_COPY = Story(
    slug="el-fasher-camp-shelling-syndicated",
    site="monitor",
    path="/news/2025/03/paramilitary-shelling-of-darfur-camp-kills-at-least-31",
    title="Paramilitary shelling of Darfur camp kills at least 31, doctors say",
    summary="Shells hit the Abu Shouk displacement camp outside El Fasher, killing at least 31 "
            "people, including nine children, a doctors' group said.",
    authors=("Samia Haroun",),
    published="2025-03-23T15:05:00+00:00",
    updated=None,
    categories=("Africa", "Sudan", "Conflict"),
    dateline_place="CAIRO",
    agency="AP",
    page_date="visible",
    body=EL_FASHER_BODY,
    credits=EL_FASHER.credits,
    facts=EL_FASHER_FACTS,
)

# --------------------------------------------------------------------------- alpine
# Alpine Dispatch: an older Swiss CMS; RSS 0.92 (items carry no dates, so the page
# dates in JSON-LD are the only ones); one page in windows-1252 declared only in
# a <meta> tag, one page in German.

ZURICH = Story(
    slug="zurich-arms-smuggling",
    site="alpine",
    path="/en/switzerland/zurich-police-detain-seven-in-arms-smuggling-probe.html",
    title="Swiss police detain seven in Zürich arms-smuggling probe",
    summary="Swiss police detained seven people in raids in Zürich, including at a café in the "
            "Langstrasse district, as part of an investigation into arms smuggling.",
    authors=("Thomas Brändli",),
    published="2025-03-22T11:00:00+01:00",
    updated=None,
    categories=("Switzerland", "Crime", "Security"),
    dateline_place="ZURICH",
    agency="Reuters",
    charset="windows-1252",
    body="""
        ZURICH, March 22 (Reuters) - Swiss police detained seven people in dawn raids in Zürich
        on Saturday as part of an investigation into a network suspected of smuggling military
        weapons from the Balkans into western Europe, prosecutors said.

        Officers searched 11 properties, including a café in the Langstrasse district that
        investigators believe served as a meeting point for the group, the Office of the Attorney
        General of Switzerland (OAG) said in a statement. They seized 14 assault rifles, several
        pistols and about 2,000 rounds of ammunition, as well as cash worth €240,000.

        “The operation dismantled a logistics hub for weapons destined for criminal groups in
        several countries,” said Beatrice Müller, a spokeswoman for the OAG. Müller said the
        suspects, aged between 24 and 57, were nationals of Switzerland, Kosovo and Serbia.

        The Federal Office of Police (fedpol) said the investigation had begun last year after
        German customs officers found rifles hidden in the floor of a van on the motorway between
        Basel and Frankfurt. Police in Germany and Austria arrested four more suspects on
        Saturday, fedpol said.

        Neighbours described a heavy police presence in the narrow street outside the café from
        around 6 a.m. “I saw them carry out boxes – maybe ten or twelve – and put them in a
        truck,” said a 70-year-old resident who gave only his first name, René.

        Switzerland, which has one of the highest rates of gun ownership in Europe, tightened its
        firearms law in 2019 to align with European Union rules, despite opposition from
        shooting clubs. Weapons from the wars of the 1990s in the former Yugoslavia have long
        been trafficked to criminal groups across the continent, according to Europol.

        Prosecutors said the network may have moved hundreds of weapons over several years. No
        one was injured during the raids, police said.

        The café’s owner was among those detained, according to Swiss broadcaster reports. The
        suspects face charges of violating the war materials and weapons acts, which carry
        prison sentences of up to five years.

        The OAG said it was working with prosecutors in Genève and Bern to trace the money
        behind the network, and that further arrests could not be ruled out. A 31-year-old
        suspect was still being sought.
    """,
    credits="(Reporting by Thomas Brändli; Editing by Clare Whitlock)",
    facts={
        "people": {"Müller": "Beatrice Müller"},
        "organizations": {"OAG": "Office of the Attorney General of Switzerland"},
        "counts": [
            _count("detained", "detained seven people", 7, 7),
        ],
        "negations": ["No one was injured during the raids"],
        "vague": ["hundreds of weapons"],
        "non_ascii": ["Zürich", "café", "€240,000", "Genève", "René", "“", "–"],
        "distractors": ["aged between 24 and 57", "70-year-old", "2019", "1990s", "31-year-old"],
    },
)

YEMEN = Story(
    slug="yemen-detainee-exchange",
    site="alpine",
    path="/en/world/yemen-rivals-agree-in-geneva-to-free-more-than-200-detainees.html",
    title="Yemen rivals agree in Geneva to free more than 200 detainees",
    summary="Yemen's government and the Houthi rebels agreed after talks in Geneva to exchange "
            "213 detainees, the United Nations and the Red Cross said.",
    authors=("Claire Fontaine",),
    published="2025-03-24T18:45:00+01:00",
    updated=None,
    categories=("World", "Yemen", "Diplomacy"),
    dateline_place="GENEVA",
    agency="AFP",
    body="""
        GENEVA (AFP) - Yemen's internationally recognised government and the Houthi rebels agreed
        on Monday to release 213 detainees held by both sides, the United Nations said, after ten
        days of talks in Switzerland.

        The agreement provides for the release of 150 Houthi fighters held by government forces
        and 63 people held by the rebels, including several journalists and four Saudi
        nationals, the office of the UN special envoy for Yemen said in a statement.

        The exchange will be carried out with the help of the International Committee of the Red
        Cross (ICRC), which will interview detainees, provide transport and fly them home from
        airports in Sanaa, Aden and Marib. The ICRC said the operation could take place within
        three weeks if both sides kept their commitments.

        "This is a step that brings relief to hundreds of families who have been waiting for
        years," said Helena Vasquez, the deputy UN envoy who chaired the talks. Vasquez said the
        parties had agreed to meet again in May to discuss the release of more detainees,
        including a prominent politician held since 2015.

        A member of the Houthi delegation, Abdulqader Al-Murtada, described the agreement as "a
        good beginning", but accused the government of delaying earlier releases. The
        government's chief negotiator, Yahya Kazman, said his side wanted "all for all", the
        release of every detainee on both sides.

        In April 2023, the two sides exchanged nearly 900 prisoners in the largest such
        operation since the start of the war, raising hopes of a wider peace deal that have since
        faded.

        Yemen's war began in 2014 when the Houthis, who are backed by Iran, seized the capital
        Sanaa, prompting a Saudi-led military coalition to intervene the following year to
        support the government. Fighting has largely stopped since a UN-brokered truce in 2022,
        but no lasting settlement has been reached.

        The conflict has killed hundreds of thousands of people, directly and through hunger
        and disease, and left more than 18 million people in need of aid, according to the UN.

        Rights groups say thousands of people remain in arbitrary detention, and that some have
        been tortured. The Houthis have also detained dozens of UN and aid workers since last
        year, accusing them of spying, a charge the United Nations rejects.

        The ICRC's head of delegation in Yemen, Mathias Keller, said families had been told
        which of their relatives were on the lists. "For many, this will be the first sign in
        years that their son or husband is alive," Keller said.
    """,
    credits="cf/apo/jm",
    facts={
        "people": {"Vasquez": "Helena Vasquez", "Keller": "Mathias Keller"},
        "organizations": {"ICRC": "International Committee of the Red Cross"},
        "counts": [
            _count("released", "release 213 detainees", 213, 213),
        ],
        "vague": ["hundreds of families", "hundreds of thousands of people", "dozens of UN and aid workers"],
        "hypotheticals": ["could take place within three weeks"],
        "distractors": ["2015", "April 2023", "2014", "2022", "more than 18 million"],
    },
)

AVALANCHE_DE = Story(
    slug="wallis-lawine",
    site="alpine",
    path="/de/schweiz/lawinenunglueck-im-wallis-mindestens-fuenf-tote.html",
    title="Lawinenunglück im Wallis: Mindestens fünf Tote",
    summary="Bei einem Lawinenabgang oberhalb von Zermatt sind am Sonntag mindestens fünf "
            "Skitourengänger ums Leben gekommen. Zwei Personen werden noch vermisst.",
    authors=("Martina Imboden",),
    published="2025-03-23T14:10:00+01:00",
    updated="2025-03-23T17:30:00+01:00",
    categories=("Schweiz", "Unglücke", "Wallis"),
    dateline_place="SITTEN",
    agency="dpa",
    language="de",
    body="""
        SITTEN (dpa) - Bei einem Lawinenabgang in den Walliser Alpen sind am Sonntag mindestens
        fünf Skitourengänger ums Leben gekommen. Zwei weitere Personen würden noch vermisst, teilte
        die Kantonspolizei Wallis am Nachmittag mit. Drei Verletzte seien mit Helikoptern ins
        Spital nach Sitten geflogen worden.

        Die Lawine löste sich nach Angaben der Polizei gegen 10.30 Uhr an einem Nordhang auf rund
        3200 Metern Höhe oberhalb von Zermatt. Sie erfasste eine Gruppe von zwölf Personen, die
        mit einem Bergführer unterwegs war. Sieben Mitglieder der Gruppe konnten sich selbst
        befreien oder wurden von Kameraden ausgegraben.

        An der Suche beteiligten sich rund 60 Retterinnen und Retter, mehrere Lawinenhunde sowie
        vier Helikopter der Air Zermatt und der Schweizerischen Rettungsflugwacht (Rega). Wegen
        der hohen Lawinengefahr musste die Suche am späten Nachmittag unterbrochen werden. Sie
        soll am Montagmorgen fortgesetzt werden.

        Bei den Toten handelt es sich laut Polizei um drei Männer und zwei Frauen im Alter
        zwischen 28 und 61 Jahren. Ihre Identität werde noch abgeklärt. Mehrere Opfer stammten
        aus Deutschland, hiess es.

        Das WSL-Institut für Schnee- und Lawinenforschung (SLF) in Davos hatte für das Gebiet die
        Gefahrenstufe 3 von 5 ausgegeben. Nach starken Schneefällen in den vergangenen Tagen
        warnte das Institut vor allem an steilen Nordhängen vor instabilen Schneeschichten.

        «Bei diesen Verhältnissen kann schon eine einzelne Person eine grosse Lawine auslösen»,
        sagte SLF-Experte Reto Schnyder. Schnyder rief Wintersportler dazu auf, sich vor jeder
        Tour genau über die Lage zu informieren und gefährliche Hänge zu meiden.

        Die Staatsanwaltschaft des Kantons Wallis hat eine Untersuchung eröffnet, um die genauen
        Umstände des Unglücks zu klären. Gegen den Bergführer werde derzeit nicht ermittelt,
        sagte ein Sprecher.

        In der Schweiz sterben nach Angaben des SLF jedes Jahr durchschnittlich rund 20 Menschen
        in Lawinen. Die meisten Opfer sind Skitourengänger und Variantenfahrer abseits der
        gesicherten Pisten. Im vergangenen Winter kamen landesweit 23 Menschen ums Leben.

        Erst vor zwei Wochen waren im Berner Oberland zwei Bergsteiger von einer Lawine
        verschüttet worden. Beide konnten damals lebend geborgen werden. Die Bergbahnen Zermatt
        hielten den Betrieb am Sonntag aufrecht, sperrten aber mehrere Abfahrten abseits der
        markierten Pisten. Auch für Montag rechnet der Lawinendienst mit erheblicher Gefahr.

        Der Walliser Sicherheitsdirektor sprach den Angehörigen sein Beileid aus. Die Gemeinde
        Zermatt richtete für Angehörige und Augenzeugen eine Betreuungsstelle ein.
    """,
    credits="mi/dpa",
    facts={
        "people": {"Schnyder": "Reto Schnyder"},
        "organizations": {"SLF": "WSL-Institut für Schnee- und Lawinenforschung",
                          "Rega": "Schweizerischen Rettungsflugwacht"},
        "counts": [
            _count("killed", "mindestens fünf Skitourengänger ums Leben gekommen", 5),
            _count("missing", "Zwei weitere Personen würden noch vermisst", 2, 2),
        ],
        "distractors": ["3200 Metern", "10.30 Uhr", "Gefahrenstufe 3 von 5"],
    },
)

# --------------------------------------------------------------------------- stories told more than once
# Pages that story fingerprinting must group (README, "Stories"); `SAME_STORY` lists them.


def _paragraph_texts(body: str) -> list[str]:
    return [p.strip() for p in textwrap.dedent(body).strip().split("\n\n") if p.strip()]


def _trimmed(body: str, drop_last: int) -> str:
    """The body with its last paragraphs cut, as a site trims wire copy to fit."""
    return "\n\n".join(_paragraph_texts(body)[:-drop_last])


def _inserted(body: str, after: int, paragraph: str) -> str:
    """The body with a paragraph of the site's own inserted after paragraph `after` (1-based)."""
    paragraphs = _paragraph_texts(body)
    return "\n\n".join([*paragraphs[:after], textwrap.dedent(paragraph).strip(), *paragraphs[after:]])


def _curly(text: str) -> str:
    """Typographic quotes, as a site's CMS prints them: "..." -> \u201c...\u201d, ' -> \u2019."""
    text = re.sub(r'"(?=\S)', "\u201c", text)
    return text.replace('"', "\u201d").replace("'", "\u2019")


# --------------------------------------------------------------------------- one story, three outlets
# A Reuters story carried by three outlets with the edits real syndication makes: the wire's
# original; the Herald's copy under a new headline, its ending trimmed and its own credit line;
# ReliefLine's copy with a paragraph of local reaction inserted and curly quotes. Each copy keeps
# its own canonical URL (unlike the El Fasher copy): only the text says they are one story.

FERRY_BODY = """
    MANILA, March 23 (Reuters) - A fire tore through a passenger ferry off the southern
    Philippine island of Basilan before dawn on Sunday, killing at least 18 people and forcing
    passengers to jump into the dark sea, the coast guard said.

    The MV Lady Mercedita was sailing from Zamboanga City to the island of Jolo when the fire
    broke out in the engine room at around 2 a.m., said coast guard spokesman Commodore Ramon
    Delos Santos. Seven passengers were missing and 31 people were injured, most of them with
    burns, he said.

    "Many passengers were asleep on the upper deck when the smoke came. Some of them jumped
    without life jackets," Delos Santos told reporters at the pier in Zamboanga. "Our divers are
    still searching the waters around the ship."

    Coast guard vessels, navy boats and local fishermen rescued 255 people from the water and
    from the burning ship, which was towed to the port of Isabela City on Sunday afternoon, he
    said. Its passenger manifest listed 243 passengers and 37 crew.

    Nurhana Abdurajak, a 41-year-old teacher travelling home with her two sons, said crew
    members handed out life jackets as the flames spread along a corridor. "We held on to a
    floating bench for almost an hour until a fishing boat reached us," she said from a hospital
    bed in Isabela City. Abdurajak said both boys were safe.

    The ferry's operator, Southern Star Shipping Lines, said in a statement that it was
    cooperating with investigators and would help the families of the victims. The Maritime
    Industry Authority (MARINA) suspended the company's three other vessels pending safety
    inspections.

    Transport Secretary Vicente Lagdameo said the ship had passed an inspection in January and
    that investigators would examine whether a fuel leak had caused the fire. He said the
    coast guard would board every ferry leaving Zamboanga this week to check fire equipment.

    Sea travel is common in the Philippines, an archipelago of more than 7,600 islands, and
    accidents happen often because of poorly maintained vessels, overcrowding and weak
    enforcement of safety rules.

    The Philippine Red Cross set up a desk at the Zamboanga pier where relatives could ask
    about passengers, and handed out food and water to families waiting for news.

    "Every year we count the dead and every year we promise reforms," said Lorna Villaruz, a
    maritime safety researcher at the University of the Philippines. Villaruz said the country
    needed more inspectors on its piers rather than new laws. "The rules are already there.
    Nobody checks," she said.
"""

# Inserted by ReliefLine after the survivor's account: the reaction where the passengers lived.
FERRY_LOCAL_REACTION = """
    In Jolo, where most of the passengers lived, the provincial government declared three days
    of mourning and sent a boat to bring survivors home. "Nearly every family on this island
    knows someone who was on that ferry," said Hadja Sitti Jamiri, a member of the provincial
    board. Jamiri said the province would pay for the funerals.
"""

FERRY_FACTS: dict[str, Any] = {
    "people": {"Delos Santos": "Ramon Delos Santos", "Abdurajak": "Nurhana Abdurajak"},
    "organizations": {"MARINA": "Maritime Industry Authority"},
    "counts": [
        _count("killed", "killing at least 18 people", 18),
        _count("missing", "Seven passengers were missing", 7, 7),
        _count("wounded", "31 people were injured", 31, 31),
    ],
    "distractors": ["rescued 255 people", "243 passengers and 37 crew", "41-year-old", "2 a.m.",
                    "more than 7,600 islands"],
}

FERRY = Story(
    slug="philippines-ferry-fire",
    site="wire",
    path="/world/asia-pacific/2025/03/23/fire-on-philippine-ferry-kills-at-least-18-idUSKBN3A5",
    title="Fire on Philippine ferry kills at least 18, seven missing",
    summary="A fire tore through a passenger ferry off the southern Philippine island of Basilan "
            "before dawn on Sunday, killing at least 18 people, the coast guard said.",
    authors=("Karen Lim",),
    published="2025-03-23T14:20:00+08:00",
    updated=None,
    categories=("World", "Asia Pacific", "Philippines", "Disasters"),
    dateline_place="MANILA",
    agency="Reuters",
    body=FERRY_BODY,
    credits="(Reporting by Karen Lim in Manila and Jose Mari Santos in Zamboanga; Editing by Clare Whitlock)",
    facts={**FERRY_FACTS,
           "people": {**FERRY_FACTS["people"], "Villaruz": "Lorna Villaruz"}},
)

# (a) The Herald: its own headline, the last paragraph cut, its own credit line for the Reuters one.
FERRY_HERALD = Story(
    slug="philippines-ferry-fire-herald",
    site="herald",
    path="/news/world/18-dead-7-missing-as-fire-sweeps-ferry-off-southern-philippines",
    title="18 dead, 7 missing as fire sweeps ferry off southern Philippines",
    summary="Passengers jumped into the sea as a fire swept a ferry bound for Jolo; the coast guard "
            "said at least 18 people were killed and seven were missing.",
    authors=("Karen Lim",),
    published="2025-03-23T08:15:00-04:00",
    updated=None,
    categories=("World", "Philippines", "Disasters"),
    dateline_place="MANILA",
    agency="Reuters",
    page_date="meta",
    body=_trimmed(FERRY_BODY, 1),
    credits="Compiled by Herald staff from Reuters reports.",
    facts=FERRY_FACTS,
)

# (b) ReliefLine: a paragraph of local reaction inserted after the survivor's account, curly quotes.
FERRY_MONITOR = Story(
    slug="philippines-ferry-fire-reliefline",
    site="monitor",
    path="/news/2025/03/ferry-fire-off-southern-philippines-kills-at-least-18",
    title="Ferry fire off southern Philippines kills at least 18, coast guard says",
    summary="A fire on the MV Lady Mercedita off Basilan killed at least 18 people; seven passengers "
            "were missing and Jolo declared three days of mourning.",
    authors=("Karen Lim",),
    published="2025-03-23T12:40:00+00:00",
    updated=None,
    categories=("Asia", "Philippines", "Disasters"),
    dateline_place="MANILA",
    agency="Reuters",
    page_date="visible",
    body=_curly(_inserted(FERRY_BODY, 5, FERRY_LOCAL_REACTION)),
    credits=FERRY.credits,
    facts={**FERRY_FACTS,
           "people": {**FERRY_FACTS["people"], "Villaruz": "Lorna Villaruz", "Jamiri": "Hadja Sitti Jamiri"},
           "non_ascii": ["\u201cNearly every family", "ferry\u2019s operator"]},
)

# --------------------------------------------------------------------------- one outlet, two versions
# The wire re-issues a story at a new address when the toll rises: the morning page (9 killed)
# and the evening page (14). Both stay online; the second is the story's version 2.

BUS_MORNING_BODY = """
    LIMA, March 24 (Reuters) - A bus carrying farm workers plunged into a ravine in Peru's
    southern Andes before dawn on Monday, killing nine people and injuring 22, police said.

    The bus, operated by Transportes Sol Andino, was travelling from the city of Abancay to
    Cusco when it left the road on a bend near the town of Curahuasi at about 4:30 a.m. and fell
    some 200 meters (650 feet) into the Apurimac river valley, police Colonel Julio Cahuana said.

    "The road was wet and there was thick fog. The driver seems to have missed the curve,"
    Cahuana told local radio. He said the driver was among the dead.

    Firefighters and police used ropes to carry survivors up the steep slope, and the injured
    were taken by ambulance to the regional hospital in Abancay. Rescuers were still searching
    the wreckage, which came to rest near the riverbank, Cahuana said.

    "Everything turned over and over. When it stopped, I was lying on the rocks and people were
    calling for help," said Rosa Huamani, a 38-year-old passenger who was travelling to a job on
    a coffee farm. Huamani said she had climbed up to the road to stop a passing truck.

    Transportes Sol Andino said in a statement that the bus had passed its technical inspection
    in February and that the company would pay for funerals and medical care. It said the
    driver had more than ten years of experience on the route. Relatives of the passengers
    gathered outside the company's office in Abancay to wait for news.

    The Superintendency of Land Transport (SUTRAN) said it had opened an investigation and would
    check whether the driver had rested before the trip. The company was fined twice last year
    for making drivers work too many hours, according to SUTRAN records.

    Road accidents are common in Peru's Andean regions, where buses travel on narrow mountain
    roads with few guardrails. More than 3,000 people died in traffic accidents in Peru last
    year, according to the National Road Safety Observatory (ONSV).

    The regional governor of Apurimac, Edwin Chipana, said he would ask the central government
    to fund barriers on the most dangerous bends of the highway. "We have asked for years. How
    many more families have to bury their children?" Chipana said. He declared a day of
    mourning in the region.
"""

# The same story re-issued by the wire that evening at a new address: new headline and lead
# figure, the superseded toll kept in one sentence, a paragraph on the search rewritten;
# every other sentence as it was.
BUS_EVENING_BODY = """
    LIMA, March 24 (Reuters) - A bus carrying farm workers plunged into a ravine in Peru's
    southern Andes before dawn on Monday, killing 14 people and injuring 22, police said, after
    rescuers recovered more bodies from the wreckage during the day.

    The bus, operated by Transportes Sol Andino, was travelling from the city of Abancay to
    Cusco when it left the road on a bend near the town of Curahuasi at about 4:30 a.m. and fell
    some 200 meters (650 feet) into the Apurimac river valley, police Colonel Julio Cahuana said.

    "The road was wet and there was thick fog. The driver seems to have missed the curve,"
    Cahuana told local radio. He said the driver was among the dead.

    Firefighters and police used ropes to carry survivors up the steep slope, and the injured
    were taken by ambulance to the regional hospital in Abancay. The toll had stood at nine on
    Monday morning. Cahuana said the search of the wreckage ended in the afternoon and that all
    passengers were now accounted for.

    "Everything turned over and over. When it stopped, I was lying on the rocks and people were
    calling for help," said Rosa Huamani, a 38-year-old passenger who was travelling to a job on
    a coffee farm. Huamani said she had climbed up to the road to stop a passing truck.

    Transportes Sol Andino said in a statement that the bus had passed its technical inspection
    in February and that the company would pay for funerals and medical care. It said the
    driver had more than ten years of experience on the route. Relatives of the passengers
    gathered outside the company's office in Abancay to wait for news.

    The Superintendency of Land Transport (SUTRAN) said it had opened an investigation and would
    check whether the driver had rested before the trip. The company was fined twice last year
    for making drivers work too many hours, according to SUTRAN records.

    Road accidents are common in Peru's Andean regions, where buses travel on narrow mountain
    roads with few guardrails. More than 3,000 people died in traffic accidents in Peru last
    year, according to the National Road Safety Observatory (ONSV).

    The regional governor of Apurimac, Edwin Chipana, said he would ask the central government
    to fund barriers on the most dangerous bends of the highway. "We have asked for years. How
    many more families have to bury their children?" Chipana said. He declared a day of
    mourning in the region.
"""

BUS_FACTS: dict[str, Any] = {
    "people": {"Cahuana": "Julio Cahuana", "Huamani": "Rosa Huamani", "Chipana": "Edwin Chipana"},
    "organizations": {"SUTRAN": "Superintendency of Land Transport",
                      "ONSV": "National Road Safety Observatory"},
    "distractors": ["38-year-old", "4:30 a.m.", "200 meters", "more than ten years", "More than 3,000 people"],
}

BUS_MORNING = Story(
    slug="peru-bus-crash",
    site="wire",
    path="/world/americas/2025/03/24/bus-plunges-into-ravine-in-perus-andes-killing-9-idUSKBN3A3",
    title="Bus plunges into ravine in Peru's Andes, killing 9",
    summary="A bus carrying farm workers plunged into a ravine near Curahuasi in Peru's southern Andes "
            "before dawn on Monday, killing nine people and injuring 22, police said.",
    authors=("Ines Valcarcel",),
    published="2025-03-24T08:50:00-05:00",
    updated=None,
    categories=("World", "Americas", "Peru", "Accidents"),
    dateline_place="LIMA",
    agency="Reuters",
    body=BUS_MORNING_BODY,
    credits="(Reporting by Ines Valcarcel; Editing by Daniel Ferreira)",
    facts={**BUS_FACTS, "counts": [
        _count("killed", "killing nine people", 9, 9),
        _count("wounded", "injuring 22", 22, 22),
    ]},
)

BUS_EVENING = Story(
    slug="peru-bus-crash-toll-rises",
    site="wire",
    path="/world/americas/2025/03/24/death-toll-from-peru-bus-crash-rises-to-14-idUSKBN3A4",
    title="Death toll from Peru bus crash rises to 14",
    summary="The toll from a bus crash in Peru's southern Andes rose to 14 on Monday after rescuers "
            "recovered more bodies from the wreckage, police said.",
    authors=("Ines Valcarcel",),
    published="2025-03-24T17:35:00-05:00",
    updated=None,
    categories=("World", "Americas", "Peru", "Accidents"),
    dateline_place="LIMA",
    agency="Reuters",
    body=BUS_EVENING_BODY,
    credits="(Reporting by Ines Valcarcel; Additional reporting by Tom Okafor; Editing by Daniel Ferreira)",
    facts={**BUS_FACTS, "counts": [
        _count("killed", "killing 14 people", 14, 14),
        _count("wounded", "injuring 22", 22, 22),
    ], "superseded": ["stood at nine"]},
)

# Order within each site's feed (newest first is what feeds usually do).
STORIES: tuple[Story, ...] = (
    BAGHDAD, NEPAL, NIGER, KARACHI, SUDAN_UN, FERRY, BUS_MORNING, BUS_EVENING,
    KABUL, HAITI, PENTAGON, NORTHGATE, EL_FASHER, FERRY_HERALD,
    CHOLERA, MOGADISHU, JAVA, COLOMBIA, EL_FASHER_COPY, FERRY_MONITOR,
    ZURICH, YEMEN, AVALANCHE_DE,
)

# Pages that tell one story: what the stories stage must group (expected.json `same_story`).
SAME_STORY: tuple[tuple[str, tuple[Story, ...]], ...] = (
    ("copy_with_canonical_to_original", (EL_FASHER, EL_FASHER_COPY)),
    ("edited_copies", (FERRY, FERRY_HERALD, FERRY_MONITOR)),
    ("same_outlet_update", (BUS_MORNING, BUS_EVENING)),
)
