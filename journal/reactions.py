"""The words of support a member can send another with one tap (peers on a check-in, peers on a milestone).

One vocabulary for the whole app, on the kernel floor: each feature that offers reactions keeps its own
rows, and all of them speak these words."""

REACTIONS: dict[str, str] = {
    "strength": "Sending strength",
    "been_there": "Been there",
    "proud": "Proud of you",
    "thinking": "Thinking of you",
}
