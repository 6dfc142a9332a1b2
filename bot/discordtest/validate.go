package discordtest

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Discord's limits, checked on every message the bot sends (lengths count
// Unicode code points). Error codes follow Discord's; their messages are
// close to Discord's, not promised to be identical.
const (
	maxContent         = 2000
	maxEmbeds          = 10
	maxEmbedTotal      = 6000
	maxEmbedTitle      = 256
	maxEmbedDesc       = 4096
	maxEmbedFields     = 25
	maxFieldName       = 256
	maxFieldValue      = 1024
	maxFooterText      = 2048
	maxAuthorName      = 256
	maxActionRows      = 5
	maxRowComponents   = 5
	maxCustomID        = 100
	maxButtonLabel     = 80
	maxChoices         = 25
	maxChoiceName      = 100
	maxCommands        = 100
	maxCommandOptions  = 25
	maxCommandName     = 32
	maxDescription     = 100
	maxAllowedMentions = 100
)

type fieldError struct {
	path    string // dotted, e.g. data.embeds.0.description
	code    string
	message string
}

// nestErrors turns dotted paths into Discord's nested "errors" object:
// {"embeds": {"0": {"description": {"_errors": [{code, message}]}}}}. An
// error of the body as a whole has the path "".
func nestErrors(errs []fieldError) map[string]any {
	root := map[string]any{}
	for _, e := range errs {
		node := root
		for _, part := range strings.Split(e.path, ".") {
			if e.path == "" {
				break
			}
			next, ok := node[part].(map[string]any)
			if !ok {
				next = map[string]any{}
				node[part] = next
			}
			node = next
		}
		list, _ := node["_errors"].([]any)
		node["_errors"] = append(list, map[string]string{"code": e.code, "message": e.message})
	}
	return root
}

func runes(s string) int { return utf8.RuneCountInString(s) }

func tooLong(path, s string, max int) []fieldError {
	if runes(s) > max {
		return []fieldError{{path, "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", max)}}
	}
	return nil
}

func badLength(path, s string, min, max int) []fieldError {
	if n := runes(s); n < min || n > max {
		if min > 0 && n == 0 {
			return []fieldError{{path, "BASE_TYPE_REQUIRED", "This field is required"}}
		}
		return []fieldError{{path, "BASE_TYPE_BAD_LENGTH", fmt.Sprintf("Must be between %d and %d in length.", min, max)}}
	}
	return nil
}

// validateMessage checks content, embeds, components and allowed_mentions
// against Discord's limits. p prefixes every error path ("data." in
// interaction callbacks).
func validateMessage(r Reply, p string) []fieldError {
	errs := tooLong(p+"content", r.Content, maxContent)
	if len(r.Embeds) > maxEmbeds {
		errs = append(errs, fieldError{p + "embeds", "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", maxEmbeds)})
	}
	total := 0
	for i, e := range r.Embeds {
		ep := p + "embeds." + strconv.Itoa(i) + "."
		errs = append(errs, tooLong(ep+"title", e.Title, maxEmbedTitle)...)
		errs = append(errs, tooLong(ep+"description", e.Description, maxEmbedDesc)...)
		total += runes(e.Title) + runes(e.Description)
		if len(e.Fields) > maxEmbedFields {
			errs = append(errs, fieldError{ep + "fields", "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", maxEmbedFields)})
		}
		for j, f := range e.Fields {
			fp := ep + "fields." + strconv.Itoa(j) + "."
			errs = append(errs, badLength(fp+"name", f.Name, 1, maxFieldName)...)
			errs = append(errs, badLength(fp+"value", f.Value, 1, maxFieldValue)...)
			total += runes(f.Name) + runes(f.Value)
		}
		if e.Footer != nil {
			errs = append(errs, tooLong(ep+"footer.text", e.Footer.Text, maxFooterText)...)
			total += runes(e.Footer.Text)
		}
		if e.Author != nil {
			errs = append(errs, tooLong(ep+"author.name", e.Author.Name, maxAuthorName)...)
			total += runes(e.Author.Name)
		}
	}
	if total > maxEmbedTotal {
		errs = append(errs, fieldError{p + "embeds", "MAX_EMBED_SIZE_EXCEEDED", fmt.Sprintf("Embed size exceeds maximum size of %d", maxEmbedTotal)})
	}
	if r.Flags&flagIsComponentsV2 == 0 {
		errs = append(errs, validateComponents(r.Components, p+"components")...)
	}
	if am := r.AllowedMentions; am != nil {
		errs = append(errs, validateAllowedMentions(*am, p+"allowed_mentions")...)
	}
	return errs
}

// validateComponents checks classic (not Components V2) layouts: up to 5
// action rows of up to 5 buttons or one select menu, unique custom ids.
func validateComponents(rows []Component, p string) []fieldError {
	var errs []fieldError
	if len(rows) > maxActionRows {
		errs = append(errs, fieldError{p, "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", maxActionRows)})
	}
	ids := map[string]bool{}
	for i, row := range rows {
		rp := p + "." + strconv.Itoa(i)
		if row.Type != 1 {
			errs = append(errs, fieldError{rp + ".type", "UNION_TYPE_CHOICES", "Top-level components must be action rows (type 1)"})
			continue
		}
		if n := len(row.Components); n < 1 || n > maxRowComponents {
			errs = append(errs, fieldError{rp + ".components", "BASE_TYPE_BAD_LENGTH", fmt.Sprintf("Must be between 1 and %d in length.", maxRowComponents)})
		}
		for j, c := range row.Components {
			cp := rp + ".components." + strconv.Itoa(j)
			if c.Type == 1 {
				errs = append(errs, fieldError{cp + ".type", "UNION_TYPE_CHOICES", "Action rows cannot contain action rows"})
				continue
			}
			if c.Type == 2 {
				errs = append(errs, tooLong(cp+".label", c.Label, maxButtonLabel)...)
				switch {
				case c.Style < 1 || c.Style > 6:
					errs = append(errs, fieldError{cp + ".style", "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4, 5, 6}."})
				case c.Style == 5:
					if c.URL == "" {
						errs = append(errs, fieldError{cp + ".url", "BASE_TYPE_REQUIRED", "This field is required"})
					}
					if c.CustomID != "" {
						errs = append(errs, fieldError{cp + ".custom_id", "COMPONENT_CUSTOM_ID_INVALID", "Link buttons cannot have a custom_id"})
					}
					continue
				case c.Style == 6:
					continue // premium buttons carry a sku_id instead
				}
			}
			errs = append(errs, badLength(cp+".custom_id", c.CustomID, 1, maxCustomID)...)
			if c.CustomID != "" && ids[c.CustomID] {
				errs = append(errs, fieldError{cp + ".custom_id", "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated"})
			}
			ids[c.CustomID] = true
		}
	}
	return errs
}

func validateAllowedMentions(am AllowedMentions, p string) []fieldError {
	var errs []fieldError
	for i, v := range am.Parse {
		if v != "users" && v != "roles" && v != "everyone" {
			errs = append(errs, fieldError{p + ".parse." + strconv.Itoa(i), "BASE_TYPE_CHOICES", "Value must be one of ('roles', 'users', 'everyone')."})
		}
	}
	ps := set(am.Parse)
	if ps["users"] && len(am.Users) > 0 {
		errs = append(errs, fieldError{p, "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE", "parse:[\"users\"] and users: [ids...] are mutually exclusive."})
	}
	if ps["roles"] && len(am.Roles) > 0 {
		errs = append(errs, fieldError{p, "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE", "parse:[\"roles\"] and roles: [ids...] are mutually exclusive."})
	}
	if len(am.Users) > maxAllowedMentions || len(am.Roles) > maxAllowedMentions {
		errs = append(errs, fieldError{p, "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", maxAllowedMentions)})
	}
	return errs
}

// validateChoices checks autocomplete results and command option choices.
func validateChoices(cs []Choice, p string) []fieldError {
	var errs []fieldError
	if len(cs) > maxChoices {
		errs = append(errs, fieldError{p, "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", maxChoices)})
	}
	for i, c := range cs {
		cp := p + "." + strconv.Itoa(i)
		errs = append(errs, badLength(cp+".name", c.Name, 1, maxChoiceName)...)
		if v, ok := c.Value.(string); ok {
			errs = append(errs, tooLong(cp+".value", v, maxChoiceName)...)
		}
	}
	return errs
}

func validateModal(r Reply, p string) []fieldError {
	errs := badLength(p+"custom_id", r.CustomID, 1, maxCustomID)
	errs = append(errs, badLength(p+"title", r.Title, 1, 45)...)
	if n := len(r.Components); n < 1 || n > maxActionRows {
		errs = append(errs, fieldError{p + "components", "BASE_TYPE_BAD_LENGTH", fmt.Sprintf("Must be between 1 and %d in length.", maxActionRows)})
	}
	return errs
}

// commandSpec is the part of an application command the fake validates.
type commandSpec struct {
	Type                     int             `json:"type"`
	Name                     string          `json:"name"`
	Description              string          `json:"description"`
	Options                  []optionSpec    `json:"options"`
	DefaultMemberPermissions json.RawMessage `json:"default_member_permissions"`
}

type optionSpec struct {
	Type         int          `json:"type"`
	Name         string       `json:"name"`
	Description  string       `json:"description"`
	Required     bool         `json:"required"`
	Autocomplete bool         `json:"autocomplete"`
	Choices      []Choice     `json:"choices"`
	Options      []optionSpec `json:"options"`
}

// commandName is Discord's rule for command and option names.
var commandName = regexp.MustCompile(`^[-_'\p{L}\p{N}\p{Devanagari}\p{Thai}]{1,32}$`)

func validateCommands(cmds []commandSpec) []fieldError {
	var errs []fieldError
	if len(cmds) > maxCommands {
		errs = append(errs, fieldError{"_", "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", maxCommands)})
	}
	seen := map[string]bool{}
	for i, c := range cmds {
		p := strconv.Itoa(i) + "."
		errs = append(errs, validateCommand(c, p)...)
		key := strconv.Itoa(c.Type) + ":" + c.Name
		if c.Type == 0 {
			key = "1:" + c.Name
		}
		if seen[key] {
			errs = append(errs, fieldError{p + "name", "APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique"})
		}
		seen[key] = true
	}
	return errs
}

func validateCommand(c commandSpec, p string) []fieldError {
	var errs []fieldError
	chatInput := c.Type == 0 || c.Type == 1
	switch {
	case chatInput && !validName(c.Name):
		errs = append(errs, fieldError{p + "name", "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"})
	case !chatInput:
		errs = append(errs, badLength(p+"name", c.Name, 1, maxCommandName)...)
	}
	if chatInput {
		errs = append(errs, badLength(p+"description", c.Description, 1, maxDescription)...)
		errs = append(errs, validateOptions(c.Options, p+"options")...)
	} else if c.Description != "" {
		errs = append(errs, fieldError{p + "description", "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION", "Context menu commands cannot have a description"})
	}
	if perm := strings.TrimSpace(string(c.DefaultMemberPermissions)); perm != "" && perm != "null" {
		var s string
		if json.Unmarshal(c.DefaultMemberPermissions, &s) == nil {
			perm = s
		}
		if _, err := strconv.ParseUint(perm, 10, 64); err != nil {
			errs = append(errs, fieldError{p + "default_member_permissions", "NUMBER_TYPE_COERCE", "Value \"" + perm + "\" is not snowflake."})
		}
	}
	return errs
}

// validName applies the name pattern, and requires lower case wherever a
// character has a lower-case form.
func validName(name string) bool {
	return commandName.MatchString(name) && strings.ToLower(name) == name
}

func validateOptions(opts []optionSpec, p string) []fieldError {
	var errs []fieldError
	if len(opts) > maxCommandOptions {
		errs = append(errs, fieldError{p, "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", maxCommandOptions)})
	}
	names := map[string]bool{}
	optionalSeen := false
	for i, o := range opts {
		op := p + "." + strconv.Itoa(i) + "."
		if !validName(o.Name) {
			errs = append(errs, fieldError{op + "name", "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"})
		}
		if names[o.Name] {
			errs = append(errs, fieldError{op + "name", "APPLICATION_COMMAND_OPTIONS_DUPLICATE_NAME", "Option names must be unique"})
		}
		names[o.Name] = true
		errs = append(errs, badLength(op+"description", o.Description, 1, maxDescription)...)
		if o.Type < 1 || o.Type > 11 {
			errs = append(errs, fieldError{op + "type", "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}."})
		}
		if o.Type == OptionSubCommand || o.Type == 2 {
			errs = append(errs, validateOptions(o.Options, op+"options")...)
			continue
		}
		if o.Required && optionalSeen {
			errs = append(errs, fieldError{op + "required", "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID", "Required options must be placed before non-required options"})
		}
		optionalSeen = optionalSeen || !o.Required
		if o.Autocomplete && len(o.Choices) > 0 {
			errs = append(errs, fieldError{op + "autocomplete", "APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_AND_CHOICES", "Autocomplete and choices cannot both be set"})
		}
		errs = append(errs, validateChoices(o.Choices, op+"choices")...)
	}
	return errs
}
