using System.Globalization;
using System.Reflection;

namespace MlNetGd.Comparison;

/// <summary>Describes an options object by its public settable properties, so no setting is left behind when one is added.</summary>
internal static class OptionsCopy
{
    /// <summary>Returns the public instance properties with a public getter and setter.</summary>
    public static IEnumerable<PropertyInfo> Settings(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead && p.CanWrite && p.GetIndexParameters().Length == 0
            && p.GetSetMethod() is not null);

    /// <summary>Describes every setting that is a value (not a delegate or token) as "Name" → text, invariant culture.</summary>
    public static Dictionary<string, string> Describe<T>(T options)
    {
        var result = new Dictionary<string, string>();
        foreach (var property in Settings(typeof(T)).OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (!(type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal)))
                continue;
            object? value = property.GetValue(options);
            result[property.Name] = value switch
            {
                null => "automatic",
                bool b => b ? "true" : "false",
                IFormattable f => f.ToString(value is float or double ? "G6" : null, CultureInfo.InvariantCulture),
                _ => value.ToString() ?? "",
            };
        }
        return result;
    }
}
