// Suggestions for the participant, speaker and topic inputs: ask the server for
// up to ten matches as the reader types and offer them in the input's datalist.
// Without JavaScript the inputs still take a name, an alias or a slug.
document.addEventListener("DOMContentLoaded", () => {
  for (const input of document.querySelectorAll("input[data-suggest]")) {
    const list = document.getElementById(input.getAttribute("list"));
    let timer;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      const term = input.value.trim();
      if (term.length < 2 || !list) return;
      timer = setTimeout(async () => {
        const url = `${input.dataset.suggest}?q=${encodeURIComponent(term)}`;
        const response = await fetch(url, { headers: { Accept: "application/json" } });
        if (!response.ok) return;
        const { results } = await response.json();
        list.replaceChildren(
          ...results.map(({ value, label }) => {
            const option = document.createElement("option");
            option.value = value;
            option.label = label;
            return option;
          }),
        );
      }, 200);
    });
  }
});
