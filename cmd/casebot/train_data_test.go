package main

// tinyTraining is training data small enough to train on in a test: two
// corpora of three documents, thirteen answerable and three out-of-scope
// questions each.
var tinyTraining = map[string]string{
	"c1/birds.md": `# Birds of the Lake

The heron nests in the tall reeds on the north shore of the lake.
Herons eat frogs, small fish and insects they catch in shallow water.

## Migration

The swallows arrive in April and leave for Africa in September.
Geese fly south in long V-shaped formations every October.

## Protection

The lake became a protected reserve in 1987 after a campaign by local farmers.
Hunting has been forbidden on the reserve since 1990.
`,
	"c1/fish.md": `# Fish of the Lake

Pike are the largest predators in the lake and can reach one metre in length.
Carp were introduced by monks in the twelfth century for their ponds.

## Fishing rules

Anglers need a permit from the town hall, which costs 40 euros a year.
The fishing season opens on the first Saturday of June.
Catching more than three pike a day is not allowed.
`,
	"c1/history.md": `# History of the Town

The town was founded by Roman soldiers in 43 AD as a river crossing.
A stone bridge replaced the wooden one in 1402 and still stands today.

## The mill

The water mill was built in 1650 and ground flour until 1955.
Today the mill houses a small museum about bread making.
`,
	"c2/rockets.md": `# Model Rockets

A model rocket uses a solid fuel motor made of black powder.
The motor's letter code tells its total impulse; a C motor has twice the impulse of a B motor.

## Safety

Launch rods must be at least one metre long to guide the rocket.
Never launch when the wind is faster than 30 kilometres per hour.
Recovery uses a parachute or a streamer ejected by the motor.
`,
	"c2/club.md": `# The Rocket Club

The club meets every second Sunday at the old airfield.
Membership costs 25 pounds for students and 50 pounds for adults.
The club was founded in 1994 by a physics teacher named Ada Moreno.

## Competitions

The altitude contest is won by the rocket that flies highest with an egg on board.
The club's record altitude is 812 metres, set in 2019.
`,
	"c2/weather.md": `# Launch Weather

Clouds below 500 metres ground all flights.
Rain damages paper body tubes, so launches are cancelled when it rains.
The best season for launches is late spring, when winds are calm.
`,
	"q1.jsonl": `{"id":"a1","q":"Where does the heron nest?","expect":["tall reeds"]}
{"id":"a2","q":"What do herons eat?","expect":["frogs"]}
{"id":"a3","q":"When do swallows arrive?","expect":["April"]}
{"id":"a4","q":"When did the lake become a reserve?","expect":["1987"]}
{"id":"a5","q":"Since when is hunting forbidden?","expect":["1990"]}
{"id":"a6","q":"What is the largest predator in the lake?","expect":["Pike"]}
{"id":"a7","q":"Who introduced carp?","expect":["monks"]}
{"id":"a8","q":"How much does a fishing permit cost?","expect":["40 euros"]}
{"id":"a9","q":"When does the fishing season open?","expect":["first Saturday of June"]}
{"id":"a10","q":"Who founded the town?","expect":["Roman soldiers"]}
{"id":"a11","q":"When was the stone bridge built?","expect":["1402"]}
{"id":"a12","q":"What is in the mill today?","expect":["museum"]}
{"id":"a13","q":"How many pike can I catch a day?","expect":["three pike"]}
{"id":"o1","q":"What is the capital of Japan?","abstain":true}
{"id":"o2","q":"How do volcanoes erupt?","abstain":true}
{"id":"o3","q":"Who painted the Mona Lisa?","abstain":true}
`,
	"q2.jsonl": `{"id":"b1","q":"What fuel does a model rocket use?","expect":["black powder"]}
{"id":"b2","q":"What does the motor letter code mean?","expect":["total impulse"]}
{"id":"b3","q":"How long must a launch rod be?","expect":["one metre"]}
{"id":"b4","q":"What is the wind limit for launches?","expect":["30 kilometres"]}
{"id":"b5","q":"How is a rocket recovered?","expect":["parachute"]}
{"id":"b6","q":"When does the club meet?","expect":["second Sunday"]}
{"id":"b7","q":"How much is membership for students?","expect":["25 pounds"]}
{"id":"b8","q":"Who founded the rocket club?","expect":["Ada Moreno"]}
{"id":"b9","q":"How is the altitude contest won?","expect":["egg on board"]}
{"id":"b10","q":"What is the club record altitude?","expect":["812"]}
{"id":"b11","q":"When are flights grounded?","expect":["below 500 metres"]}
{"id":"b12","q":"Why are launches cancelled in rain?","expect":["paper body tubes"]}
{"id":"b13","q":"What is the best season for launches?","expect":["late spring"]}
{"id":"o4","q":"What is the capital of Peru?","abstain":true}
{"id":"o5","q":"How do bees make honey?","abstain":true}
{"id":"o6","q":"Who wrote Hamlet?","abstain":true}
`,
}
