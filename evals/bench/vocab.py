"""Words the synthetic knowledge base is made of: products, policies and support phrasing.

Every section heading has its own sentences, so a section reads like the help
centre page it imitates; ``{slots}`` are filled per document by synthetic.py.
"""

from __future__ import annotations

OVERVIEW = [
    "The {name} costs ${price} and comes in {colour} and {colour2}.",
    "Most orders of the {name} ship within {days} business days from our {city} warehouse.",
    "The SKU is {sku}; quote it when you contact us about this item.",
    "Stock is refreshed every {weekday}, and you can sign up for a back-in-stock email on the product page.",
    "Reviewers mention that it holds up well after {months} months of daily use.",
]  # fmt: skip

CATEGORIES: dict[str, dict[str, list[str]]] = {
    "apparel": {
        "Fit and sizing": ["The fit is {fit}; if you are between sizes we suggest sizing {updown}.", "Chest measurements run from {cm} cm for size S to {cm2} cm for size XL.", "Our model is 183 cm tall and wears a size M."],
        "Materials": ["It is made from {material} and weighs {grams} g.", "The {material} is certified by OEKO-TEX and dyed without azo dyes.", "Some pilling in the first few weeks is normal for {material} and is not a defect."],
        "Care": ["Wash it inside out on a cool {temp}°C cycle and dry it flat to keep its shape.", "Do not tumble dry, bleach or iron the print.", "A lint comb removes pilling without damaging the fibres."],
        "Colours and availability": ["It comes in {colour}, {colour2} and a seasonal colour that changes every spring.", "Sizes XS to XXL are usually in stock; XXS is made to order in {days} weeks."],
        "Returns for this item": ["You can return it unworn and unwashed, with the tags attached, within {window} days of delivery.", "Exchanges for another size are free; the replacement ships when the carrier scans your return."],
    },
    "beauty": {
        "How to use": ["Apply two or three drops to clean skin morning and evening, before moisturiser.", "Use sunscreen during the day while you use it.", "Start every other day for the first week if your skin is sensitive."],
        "Key ingredients": ["The formula contains {pct}% {material} and is fragrance-free.", "It is vegan and not tested on animals.", "It contains no parabens, essential oils or drying alcohol.", "Full ingredients (INCI): Aqua, Glycerin, Caprylic/Capric Triglyceride, Niacinamide, Sodium Hyaluronate, Tocopheryl Acetate, Panthenol, Phenoxyethanol, Ethylhexylglycerin."],
        "Skin types": ["It suits dry, combination and sensitive skin.", "If you have rosacea or eczema, ask your dermatologist before use."],
        "Patch test": ["Do a patch test on your inner arm and wait {hours} hours before first use.", "Stop using it and rinse with water if you notice redness, itching or swelling."],
        "Shelf life and storage": ["Once opened, use it within {months} months.", "Keep it below 25°C and away from direct sunlight."],
    },
    "supplements": {
        "Suggested use": ["Take {n} capsules a day with food, or as advised by your healthcare professional.", "Do not exceed the stated daily dose."],
        "Ingredients and allergens": ["Each serving provides {mg} mg, which is {pct}% of the daily reference intake.", "It is free from gluten, dairy and soy and is made in a facility that also handles nuts.", "The capsules are made from {material}."],
        "Who should not take it": ["Ask your doctor before use if you are pregnant, breastfeeding or taking medication.", "It is not suitable for children under 12."],
        "Storage": ["Store in a cool, dry place and keep the lid tightly closed.", "Each tub holds {mg} servings and lasts about {months} months at the suggested dose."],
        "Lab testing": ["Every batch is tested by an independent lab for heavy metals and microbes.", "The certificate of analysis for your batch is available on request with the lot number."],
    },
    "electronics": {
        "Battery life": ["The battery lasts up to {hours} hours per charge.", "Battery capacity stays above 80% after {n}00 full charge cycles."],
        "Charging": ["It recharges fully in {charge} hours over USB-C.", "A 10-minute quick charge gives about 1 hour of use.", "Use a USB-C charger rated 18 W or more for the fastest charge."],
        "Connectivity": ["It supports Bluetooth 5.3 and can stay connected to {n} devices at once.", "It works with iOS, Android, Windows and macOS."],
        "Water resistance": ["It is rated IPX{ip}, so it resists splashes and sweat but should not be submerged.", "Dry the charging port before you connect a cable."],
        "In the box": ["In the box you get the device, a USB-C cable, a quick-start guide and a travel pouch.", "A wall charger is not included."],
        "Safety": ["Stop using and charging the device if it gets unusually hot, swells or smells of burning.", "Do not leave it in a car in direct sun or near a heater."],
    },
    "home": {
        "Dimensions": ["It measures {cm} by {cm2} cm and weighs {grams} g.", "The box measures a little more, so check your doorway for the larger sizes."],
        "Care and cleaning": ["Hand wash it in warm water and dry it straight away to avoid marks.", "It is safe in the dishwasher on a gentle cycle.", "Avoid abrasive sponges, which scratch the finish."],
        "Materials": ["It is made from {material}.", "The {material} may vary slightly in colour from batch to batch; that is part of its character."],
        "Assembly": ["Assembly takes about {minutes} minutes and needs no tools.", "Instructions are printed inside the lid and available as a PDF on the product page."],
        "Safety": ["Keep it away from open flames and direct heat above 200°C.", "Check for chips before each use and stop using it if you find one."],
    },
}  # fmt: skip

MATERIALS = {
    "apparel": "merino wool, organic cotton, recycled polyester, linen, nylon ripstop, cashmere blend".split(", "),
    "beauty": "niacinamide, hyaluronic acid, ceramides, squalane, zinc oxide, green tea extract".split(", "),
    "supplements": "vegan capsules, softgels, chewable tablets, plant cellulose".split(", "),
    "electronics": "aluminium, recycled ABS, silicone, tempered glass".split(", "),
    "home": "stoneware, stonewashed linen, borosilicate glass, solid oak, bamboo, cast iron".split(", "),
}  # fmt: skip
NOUNS = {
    "apparel": "Crew Sweater, Chore Jacket, Rain Shell, Oxford Shirt, Trail Shorts, Wool Beanie, Chino Trousers, Puffer Vest, Linen Dress, Running Tee".split(", "),
    "beauty": "Calm Serum, Barrier Cream, Clay Mask, Lip Balm, Night Oil, Gel Cleanser, Tinted Sunscreen, Eye Gel".split(", "),
    "supplements": "Magnesium Glycinate, Vitamin D3 K2, Omega-3 Softgels, Iron Bisglycinate, Zinc Picolinate, Probiotic Blend, B-Complex".split(", "),
    "electronics": "Power Bank, Wireless Earbuds, Smart Plug, Desk Lamp, Bluetooth Speaker, USB-C Hub, Fitness Band, Dash Camera".split(", "),
    "home": "Pour-Over Set, Duvet Cover, Cast Iron Skillet, Glass Carafe, Throw Blanket, Bamboo Cutting Board, Table Lamp, Storage Baskets".split(", "),
}  # fmt: skip

POLICIES: dict[str, dict[str, list[str]]] = {
    "Shipping to {region}": {
        "Delivery times": ["Standard delivery to {region} takes {days} to {days2} business days.", "Orders placed before 2 pm on a business day leave our warehouse the same day."],
        "Shipping costs": ["Standard delivery to {region} costs ${fee}.", "Orders over ${threshold} ship free to {region} with standard delivery.", "Express delivery with {carrier} arrives in {days} business days for ${fee2}."],
        "Customs and duties": ["Duties and import taxes for {region} are {duties} at checkout.", "Gifts are not exempt from import taxes."],
        "Tracking your parcel": ["Track your parcel from the link in your shipping email.", "Tracking updates within {hours} hours of dispatch."],
        "Lost or late parcels": ["If a parcel has not moved for {days} business days, contact us and we open an investigation with {carrier}.", "If the carrier cannot find it, we send a replacement or refund you in full."],
        "Address changes": ["You can change the delivery address within {hours} hours of ordering, from the order page.", "After that the parcel is with {carrier}, who may offer a redirect for a fee."],
    },
    "Returns for {category}": {
        "Return window": ["You can return most {category} items within {window} days of the delivery date for a refund.", "The window is extended to January 31 for orders placed in November and December."],
        "Condition of returned items": ["Items must be unused and in their original packaging.", "Items that come back used or incomplete may be refused and sent back to you."],
        "How to start a return": ["Go to the Returns Centre and enter your order number and email address.", "We email you a prepaid label with a QR code; drop the parcel at any {carrier} point."],
        "Return shipping cost": ["A return label within {region} costs a flat ${label}, deducted from your refund.", "Returns are free when an item arrived damaged or faulty."],
        "Refund timing": ["We issue your refund within {days} business days of your return reaching our warehouse.", "Your bank may take up to {days2} more business days to show it."],
        "Final-sale items": ["Items marked Final Sale, gift cards and personalised items cannot be returned.", "A faulty final-sale item is still covered by the warranty."],
    },
    "Payments in {region}": {
        "Accepted payment methods": ["We accept Visa, Mastercard, American Express, PayPal and Apple Pay in {region}.", "Prepaid cards work if they support online payments."],
        "Currency and taxes": ["Prices in {region} include sales tax where it applies.", "Your card is charged in local currency, so there is no conversion fee from us."],
        "Pay later": ["Pay in 4 interest-free instalments on orders from $50 to $1,000.", "Approval is decided by our payment partner, not by us."],
        "Failed payments": ["A failed payment is retried once after {hours} hours.", "After that the order is cancelled and you are emailed."],
    },
    "Warranty for {category}": {
        "What is covered": ["{category} items are covered for {months} months from delivery against defects in materials and workmanship."],
        "What is not covered": ["Normal wear, accidents, misuse and unauthorised repairs are not covered.", "Batteries are covered for 12 months whatever the product's warranty."],
        "How to make a claim": ["Claims need your order number and a short video or photo of the fault.", "We reply to warranty claims within {days} business days."],
        "Repairs and replacements": ["Repairs take {days} to {days2} business days once the item reaches our service centre.", "If we cannot repair it, we replace it or refund you."],
    },
}  # fmt: skip

FAQ = [
    "Can I change my delivery address after ordering?|Yes, within {hours} hours of ordering, from the order page; after that the parcel is with {carrier}.",
    "Do you ship to {region}?|Yes. Standard delivery to {region} takes {days} to {days2} business days.",
    "How do I use a discount code?|Enter it at checkout in the promo code box; one code per order, and codes cannot be added after payment.",
    "Can I return a gift?|Yes, within {window} days, using the order number on the gift receipt; the refund is an e-gift card.",
    "When will my refund arrive?|We refund within {days} business days of receiving the return; your bank may take up to {days2} more.",
    "Is the {name} covered by a warranty?|Yes, for {months} months from delivery against defects in materials and workmanship.",
    "Can I cancel my order?|Yes, until it is packed, usually within {hours} hours; after that, return it for a refund.",
]  # fmt: skip

QUESTIONS = [
    "How long does delivery to {region} take?",
    "how much is shipping to {region}",
    "Can I return the {name} after opening it?",
    "How long is the return window for {category} items?",
    "when will I get my refund??",
    "What colours does the {name} come in?",
    "How do I wash the {name}?",
    "is the {name} waterproof",
    "What payment methods do you accept in {region}?",
    "How do I make a warranty claim?",
    "Do I pay customs duties when you ship to {region}?",
    "How long does the {name} battery last?",
    "how do i take the {name}",
    "Can I change my delivery address after ordering?",
    "My parcel to {region} shows delivered but I never got it, what should I do?",
    "I ordered the {name} last week for my sister and it still hasn't shipped. How long does delivery to {region} usually take?",
    "Hi, I'm thinking about the {name} but I'm not sure about sizing. Can I return it if it doesn't fit, and who pays the return label?",
    "We moved house yesterday. Can I still change the delivery address, and what happens if the parcel gets lost?",
    "the {name} I got is great but my partner wants one too - do you ship to {region} and are duties included?",
]  # fmt: skip
HANDOFF_QUESTIONS = [
    "I want to talk to a real person please",
    "This is the third time I'm asking and nobody helps me, I want a refund NOW",
    "Is the {name} certified by the Antarctic Sommelier Guild?",
]  # fmt: skip

BRANDS = "Northwind, Harbor, Alder, Kestrel, Volt, Hydra, Juniper, Summit, Meadow, Cobalt, Lumen, Ember, Tidal, Fern, Orbit".split(", ")  # fmt: skip
COLOURS = "Graphite, Chalk, Sage, Navy, Rust, Oat, Charcoal, Sand, Forest, Plum".split(", ")  # fmt: skip
REGIONS = "the United States, Canada, the United Kingdom, Germany, France, Spain, Italy, the Netherlands, Australia, New Zealand, Japan, Mexico, Ireland, Sweden, Norway".split(", ")  # fmt: skip
CARRIERS = "UPS, FedEx, DHL Express, USPS, Royal Mail, DPD, Canada Post".split(", ")  # fmt: skip
CITIES = "Reno, Leeds, Rotterdam, Toronto, Melbourne, Lyon".split(", ")  # fmt: skip
WEEKDAYS = "Monday, Tuesday, Wednesday, Thursday, Friday".split(", ")  # fmt: skip
